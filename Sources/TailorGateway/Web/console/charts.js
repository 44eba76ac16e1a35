// Chart.js (Debian's libjs-chart.js, global `Chart`) with the console's defaults.

/** A chart on `canvas`, destroyed when the page is left. */
export function chart(context, canvas, config) {
  if (!window.Chart) throw new Error("Chart.js did not load from /vendor/chart.js/chart.min.js");
  const made = new window.Chart(canvas, {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
  });
  context.onLeave(() => made.destroy());
  return made;
}

/** A clock time (HH:MM:SS) for a unix second or a Date. */
export function clock(value) {
  const date = value instanceof Date ? value : new Date(value * 1000);
  return date.toLocaleTimeString([], { hour12: false });
}

/**
 * A plugin drawing each bar's interval as an error whisker: the dataset's `intervals`
 * ([low, high] per bar, in the value axis's units).
 */
export const intervalWhiskers = {
  id: "intervalWhiskers",
  afterDatasetsDraw(made) {
    const { ctx } = made;
    made.data.datasets.forEach((dataset, index) => {
      if (!dataset.intervals || !made.isDatasetVisible(index)) return;
      const meta = made.getDatasetMeta(index);
      const scale = made.scales[meta.yAxisID];
      ctx.save();
      ctx.strokeStyle = "#212529";
      ctx.lineWidth = 1.5;
      meta.data.forEach((bar, i) => {
        const interval = dataset.intervals[i];
        if (!interval) return;
        const [low, high] = interval.map((value) => scale.getPixelForValue(value));
        const half = Math.min(10, (bar.width || 20) / 4);
        ctx.beginPath();
        ctx.moveTo(bar.x, low); ctx.lineTo(bar.x, high);
        ctx.moveTo(bar.x - half, low); ctx.lineTo(bar.x + half, low);
        ctx.moveTo(bar.x - half, high); ctx.lineTo(bar.x + half, high);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

export const COLORS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384"];
