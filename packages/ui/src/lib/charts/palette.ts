import uPlot from 'uplot';
import { fmtCompact } from '../format.js';

/** Series colours (colour-blind safe order, Okabe–Ito). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;
export const MUTED = '#c9d3de';

export const bars = (size = 0.7): uPlot.Series.PathBuilder => uPlot.paths.bars!({ size: [size, 60], align: 0 });
export const stepped = (): uPlot.Series.PathBuilder => uPlot.paths.stepped!({ align: 1 });

/** An axis whose ticks print compactly (1.2M, 350k). */
export const compactAxis = (label?: string, scale?: string): uPlot.Axis => ({
  ...(label ? { label } : {}),
  ...(scale ? { scale } : {}),
  size: 60,
  values: (_u, ticks) => ticks.map((t) => fmtCompact(t)),
  grid: { stroke: '#eef1f4' },
  ticks: { stroke: '#dfe4ea' },
});

export const plainAxis = (label?: string): uPlot.Axis => ({
  ...(label ? { label } : {}),
  grid: { stroke: '#eef1f4' },
  ticks: { stroke: '#dfe4ea' },
});
