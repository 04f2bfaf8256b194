/** Charts: line charts as SVG (vega-lite + vega) and PNG (resvg); run charts and the HTML report. */
export { lineChart, lineChartSpec, renderSvg, type LineChartOptions, type Series } from './lineChart.js';
export { svgToPng, type PngOptions } from './png.js';
export { chartSpec, chartSvg, spansDecades, palette, type ChartOptions, type ChartSeries, type SeriesStyle, type ChartMarker } from './chart.js';
export { smoothEma, smoothingFor } from './smooth.js';
export { readRun, finalEval, bestEval, bestValues, lowerIsBetter, RUN_INFO_FILE, METRICS_LOG_FILE, type RunData, type StepRecord, type EvalRecordLine, type RunEnd, type RunSample } from './runData.js';
export { runCharts, compareRunCharts, runLabels, writeCharts, type Chart } from './runCharts.js';
export { reportHtml, escapeHtml, svgDataUri, type ReportOptions, type ReportSection } from './report.js';
export { plotRun, reportRuns, PLOTS_DIR, REPORT_FILE, type PlotRunResult } from './runReport.js';
