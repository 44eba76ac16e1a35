#!/usr/bin/env python3
"""Files and a reference for measuring `tailor import` (docs/performance.md, Import).

  scripts/import-bench.py data --sequences PATH/Beauty.txt [--attributes PATH/Beauty_item2attributes.json] --out DIR
      writes DIR/orders.csv (one purchase row per interaction of the Amazon Beauty
      sequences, times spread over the 400 days before today) and DIR/feed.xml (a
      Merchant Center RSS feed of every item: titles, prices, categories from the
      attribute ids, links and images). Nothing is copied into the repository.
  scripts/import-bench.py ceiling --orders DIR/orders.csv --gateway URL [--key KEY] [--concurrency 8] [--id-prefix P]
      the ingest path alone: the same rows as `tailor import orders` would send, in
      batches of 500 encoded before the clock starts, posted to POST /v1/events with
      the same number of requests in flight; prints events/s. --id-prefix gives the
      events other ids than the import's so they are stored, not counted as duplicates.
"""
import argparse, csv, datetime, http.client, json, os, sys, threading, time, urllib.parse


def data(args):
    os.makedirs(args.out, exist_ok=True)
    attributes = {}
    if args.attributes:
        with open(args.attributes) as f:
            attributes = json.load(f)
    today = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    items = set()
    rows = 0
    with open(args.sequences) as source, open(os.path.join(args.out, "orders.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["order_id", "customer_id", "product", "quantity", "price", "time"])
        for line in source:
            parts = line.split()
            if len(parts) < 2:
                continue
            user, sequence = parts[0], parts[1:]
            for position, item in enumerate(sequence):
                items.add(int(item))
                back = (len(sequence) - position) * 400 / (len(sequence) + 1)
                at = today - datetime.timedelta(days=back, seconds=int(user) % 86_400)
                writer.writerow([f"u{user}-{position}", f"u{user}", f"b{item}", 1, price(int(item)), at.strftime("%Y-%m-%dT%H:%M:%SZ")])
                rows += 1
    with open(os.path.join(args.out, "feed.xml"), "w") as feed:
        feed.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:g="http://base.google.com/ns/1.0" version="2.0">\n<channel>\n')
        feed.write("<title>Amazon Beauty (benchmark)</title>\n<link>https://shop.example.com</link>\n")
        for item in sorted(items):
            attrs = attributes.get(str(item), [])
            category = " &gt; ".join(["Beauty"] + [f"A{a}" for a in attrs[:2]])
            availability = "out of stock" if item % 17 == 0 else "in stock"
            feed.write(
                f"<item>\n<g:id>b{item}</g:id>\n<title><![CDATA[Beauty product {item} & co]]></title>\n"
                f"<description><![CDATA[<p>Item <b>{item}</b></p>]]></description>\n"
                f"<g:link>https://shop.example.com/p/b{item}</g:link>\n<g:image_link>https://cdn.example.com/b{item}.jpg</g:image_link>\n"
                f"<g:price>{price(item):.2f} USD</g:price>\n<g:availability>{availability}</g:availability>\n"
                f"<g:brand>Brand {item % 97}</g:brand>\n<g:product_type>{category}</g:product_type>\n"
                f"<g:custom_label_0>{'sale' if item % 5 == 0 else 'regular'}</g:custom_label_0>\n</item>\n")
        feed.write("</channel>\n</rss>\n")
    print(f"{rows} order rows, {len(items)} products in {args.out}")


def price(item):
    return 3 + (item * 7919) % 4700 / 100


def ceiling(args):
    batches, batch = [], []
    with open(args.orders) as f:
        for row in csv.DictReader(f):
            batch.append({"id": f"{args.id_prefix}ord-{row['order_id']}-{row['product']}-0", "type": "purchase",
                          "user": row["customer_id"], "product": row["product"], "quantity": int(row["quantity"]),
                          "price": float(row["price"]), "at": row["time"]})
            if len(batch) == 500:
                batches.append(json.dumps({"events": batch}).encode())
                batch = []
    if batch:
        batches.append(json.dumps({"events": batch}).encode())
    url = urllib.parse.urlparse(args.gateway)
    headers = {"content-type": "application/json"}
    if args.key:
        headers["authorization"] = f"Bearer {args.key}"
    lock, next_index, counts = threading.Lock(), [0], {"accepted": 0, "duplicates": 0}

    def worker():
        connection = http.client.HTTPConnection(url.hostname, url.port or 80)
        while True:
            with lock:
                if next_index[0] >= len(batches):
                    return
                body = batches[next_index[0]]
                next_index[0] += 1
            while True:
                connection.request("POST", "/v1/events", body, headers)
                response = connection.getresponse()
                answer = response.read()
                if response.status == 503:
                    time.sleep(0.1)
                    continue
                if response.status != 200:
                    sys.exit(f"POST /v1/events answered {response.status}: {answer[:300]!r}")
                result = json.loads(answer)
                with lock:
                    counts["accepted"] += result["accepted"]
                    counts["duplicates"] += result["duplicates"]
                break

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    events = counts["accepted"] + counts["duplicates"]
    print(f"{events} events in {len(batches)} batches: {counts['accepted']} new, {counts['duplicates']} duplicates, "
          f"{elapsed:.2f} s, {events / elapsed:.0f} events/s")


parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
commands = parser.add_subparsers(dest="command", required=True)
d = commands.add_parser("data")
d.add_argument("--sequences", required=True)
d.add_argument("--attributes")
d.add_argument("--out", required=True)
c = commands.add_parser("ceiling")
c.add_argument("--orders", required=True)
c.add_argument("--gateway", default="http://127.0.0.1:8080")
c.add_argument("--key")
c.add_argument("--concurrency", type=int, default=8)
c.add_argument("--id-prefix", default="ceiling-")
arguments = parser.parse_args()
data(arguments) if arguments.command == "data" else ceiling(arguments)
