/** Charts: line charts as SVG (vega-lite + vega) and PNG (resvg). */
export { lineChart, lineChartSpec, renderSvg, type LineChartOptions, type Series } from './lineChart.js';
export { svgToPng, type PngOptions } from './png.js';
