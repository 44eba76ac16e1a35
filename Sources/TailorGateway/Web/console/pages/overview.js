// #/overview: the cluster's members and partitions (GET /v1/cluster) and this
// gateway's live traffic (GET /v1/cluster/traffic, polled every 2 s while open).

import { ApiError, get } from "../api.js";
import { chart, clock } from "../charts.js";
import { describeError, fill, h, number, percent, table } from "../dom.js";

export const name = "overview";

export async function render(context) {
  const { root, signal } = context;
  const trafficStatus = h("p", { id: "traffic-status", class: "text-body-secondary", "aria-live": "polite" }, "Loading traffic…");
  const tiles = h("div", { class: "tiles", id: "traffic-tiles" });
  const canvas = h("canvas", { id: "traffic-chart", role: "img", "aria-label": "Requests per second and p99 latency over the last minute" });
  const clusterBox = h("div", { id: "cluster" }, h("p", {}, "Loading the cluster…"));
  fill(root,
    h("h1", {}, "Overview"),
    h("section", { "aria-labelledby": "traffic-title" },
      h("h2", { id: "traffic-title", class: "h4" }, "Live traffic on this gateway"),
      trafficStatus, tiles, h("div", { class: "chart-box" }, canvas)),
    h("section", { "aria-labelledby": "cluster-title", class: "mt-4" },
      h("h2", { id: "cluster-title", class: "h4" }, "Cluster"), clusterBox));

  let trafficChart;
  const showTraffic = (traffic) => {
    if (!traffic) return;
    trafficStatus.textContent = `Gateway ${traffic.gateway}, the last ${traffic.windowSeconds} s; updated ${clock(new Date())}.`;
    fill(tiles, trafficTiles(traffic));
    const labels = traffic.series.map((second) => clock(second.at));
    const requests = traffic.series.map((second) => second.requests);
    const p99 = traffic.series.map((second) => second.p99Ms);
    if (!trafficChart) {
      trafficChart = chart(context, canvas, {
        type: "line",
        data: {
          labels,
          datasets: [
            { label: "requests/s", data: requests, borderColor: "#0d6efd", backgroundColor: "#0d6efd", yAxisID: "requests", pointRadius: 0 },
            { label: "recommendation p99 (ms)", data: p99, borderColor: "#dc3545", backgroundColor: "#dc3545", yAxisID: "latency", pointRadius: 0 },
          ],
        },
        options: {
          scales: {
            requests: { type: "linear", position: "left", beginAtZero: true, title: { display: true, text: "requests/s" } },
            latency: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "p99 ms" } },
          },
        },
      });
    } else {
      trafficChart.data.labels = labels;
      trafficChart.data.datasets[0].data = requests;
      trafficChart.data.datasets[1].data = p99;
      trafficChart.update("none");
    }
  };
  const trafficNotAvailable = (error) => {
    const missing = error instanceof ApiError && error.status === 404;
    trafficStatus.textContent = missing ? "traffic not available (this gateway has no GET /v1/cluster/traffic)" : `traffic not available: ${describeError(error)}`;
    return missing;
  };
  const loadTraffic = () => get("/v1/cluster/traffic", { signal });

  // Both reads at once; each part renders as soon as its data is in.
  const [cluster, traffic] = await Promise.allSettled([
    get("/v1/cluster", { signal }).then((answer) => { fill(clusterBox, clusterView(answer)); return answer; }),
    loadTraffic().then(showTraffic),
  ]);
  if (cluster.status === "rejected") {
    if (cluster.reason.name === "AbortError") return;
    fill(clusterBox, h("div", { class: "alert alert-danger", role: "alert" }, `The cluster could not be read: ${describeError(cluster.reason)}`));
  }
  const trafficMissing = traffic.status === "rejected" && trafficNotAvailable(traffic.reason);
  context.ready(name);

  if (!trafficMissing) {
    context.every(2000, async () => {
      try { showTraffic(await loadTraffic()); } catch (error) { if (error.name !== "AbortError") trafficNotAvailable(error); }
    });
  }
  // The members' states move more slowly: every 5 s.
  context.every(5000, async () => fill(clusterBox, clusterView(await get("/v1/cluster", { signal }))));
}

function tile(label, value, id) {
  return h("div", { class: "tile", dataset: { tile: id } },
    h("div", { class: "tile-value" }, value), h("div", { class: "tile-label" }, label));
}

function trafficTiles(traffic) {
  const rates = traffic.requestsPerSecond || {};
  const coverage = traffic.coverage || {};
  return [
    tile("requests/s (all)", number(rates.all), "requests"),
    tile("recommendations/s", number(rates.recommendations), "recommendations"),
    tile("decisions/s", number(rates.decisions), "decisions"),
    tile("recommendation p50 / p99", `${number(traffic.recommendation?.p50Ms)} / ${number(traffic.recommendation?.p99Ms)} ms`, "latency"),
    tile("degraded answers", `${percent(coverage.degradedShare)} (${number(coverage.degraded)} of ${number((coverage.full || 0) + (coverage.degraded || 0))})`, "coverage"),
    tile("hedges/s", number(traffic.hedgesPerSecond), "hedges"),
    tile("events ingested/s", number(traffic.eventsPerSecond), "events"),
  ];
}

function clusterView(cluster) {
  const p95 = cluster.scatter?.replicaP95Ms || {};
  const members = table("Members (nodes of the shard map)",
    ["Member", "State", "Ready", "Partitions", "Held", "Incomplete", "Products", "Shoppers", "Events", "Scoring p95"],
    cluster.members.map((member) => ({
      dataset: { member: member.name },
      cells: [
        { th: member.name }, member.state + (member.error ? ` (${member.error})` : ""),
        member.ready === undefined ? "–" : member.ready ? "yes" : "no",
        number(member.partitions), number(member.heldPartitions?.length),
        member.incompletePartitions?.length ? member.incompletePartitions.join(", ") : "none",
        number(member.products), number(member.shoppers), number(member.events),
        p95[member.name] === undefined ? "–" : `${number(p95[member.name])} ms`,
      ],
    })), { id: "members" });

  const summary = h("dl", { class: "row" },
    h("dt", { class: "col-sm-3" }, "Partitions, replicas, write quorum"),
    h("dd", { class: "col-sm-9" }, `P ${cluster.partitionCount}, R ${cluster.replicationFactor}, W ${cluster.writeQuorum}`),
    h("dt", { class: "col-sm-3" }, "Products in this gateway's catalog mirror"),
    h("dd", { class: "col-sm-9" }, number(cluster.gatewayCatalogSize)),
    h("dt", { class: "col-sm-3" }, "Hedged requests sent"),
    h("dd", { class: "col-sm-9" }, number(cluster.scatter?.hedgesSent)));

  const gossip = cluster.gossip;
  const gossipTable = gossip?.members ? table("Gossip: every member as this gateway sees it",
    ["Member", "Role", "Status", "Generation", "Incarnation"],
    gossip.members.map((member) => ({
      dataset: { gossipMember: member.name },
      cells: [{ th: member.name }, member.role, member.status, number(member.generation), number(member.incarnation)],
    }))) : h("p", {}, "Gossip has not started.");

  const partitions = table("Partitions and their replicas", ["Partition", "Replicas"],
    cluster.partitions.map((partition) => ({
      dataset: { partition: String(partition.partition) },
      cells: [{ th: String(partition.partition) }, partition.replicas.join(", ")],
    })), { id: "partitions" });

  const readers = [...new Set((cluster.counters || []).flatMap((counter) => Object.keys(counter.popularity)))].sort();
  const counters = (cluster.counters || []).length ? table("Popularity counters of the five most popular products, per member",
    ["Product", ...readers],
    cluster.counters.map((counter) => ({
      dataset: { product: counter.product },
      cells: [{ th: h("a", { href: `#/catalog/${encodeURIComponent(counter.product)}` }, counter.product) },
        ...readers.map((reader) => number(counter.popularity[reader]))],
    }))) : null;

  return [members, summary, gossipTable, h("details", { class: "mb-3" }, h("summary", {}, `Partitions (${cluster.partitions.length})`), partitions), counters];
}
