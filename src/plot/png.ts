/** SVG to PNG with resvg (Rust, prebuilt binaries from the registry): no browser or canvas needed. */
import { Resvg } from '@resvg/resvg-js';

export interface PngOptions {
  /** Pixel density: 2 (default) gives a crisp image on high-DPI screens and in READMEs. */
  scale?: number;
  /** Background colour (default white; charts are unreadable on a dark page when transparent). */
  background?: string;
}

/** Rasterises an SVG string to PNG bytes. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    background: options.background ?? 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
