/**
 * Pixel checks for the e2e specs: grey images read back from a 2D canvas or decoded
 * from a Playwright screenshot, and connected bright regions ("blobs") in them.
 */
import type { Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';

export interface GreyImage {
  width: number;
  height: number;
  /** Red channel, row-major. */
  data: Uint8Array;
}

/** The red channel of a 2D canvas, as drawn (device pixels). */
export async function canvasGrey(page: Page, selector: string): Promise<GreyImage> {
  const { width, height, data } = await page.locator(selector).first().evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const red: number[] = new Array<number>(data.length / 4);
    for (let i = 0; i < red.length; i++) red[i] = data[4 * i]!;
    return { width: canvas.width, height: canvas.height, data: red };
  });
  return { width, height, data: Uint8Array.from(data) };
}

/** What is on screen inside an element (WebGL included): the screenshot's RGBA. */
export async function screenshotRgba(target: Locator, path?: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  const png = PNG.sync.read(await target.screenshot(path ? { path } : {}));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

export interface Blob {
  area: number;
  cx: number;
  cy: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** 4-connected regions where `inside(x, y)` holds, largest first. */
export function findBlobs(width: number, height: number, inside: (x: number, y: number) => boolean): Blob[] {
  const seen = new Uint8Array(width * height);
  const blobs: Blob[] = [];
  const stack: number[] = [];
  for (let start = 0; start < width * height; start++) {
    if (seen[start] || !inside(start % width, Math.floor(start / width))) continue;
    const b: Blob = { area: 0, cx: 0, cy: 0, minX: width, maxX: -1, minY: height, maxY: -1 };
    seen[start] = 1;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % width;
      const y = (p - x) / width;
      b.area++;
      b.cx += x;
      b.cy += y;
      b.minX = Math.min(b.minX, x);
      b.maxX = Math.max(b.maxX, x);
      b.minY = Math.min(b.minY, y);
      b.maxY = Math.max(b.maxY, y);
      for (const [nx, ny] of [[x + 1, y], [x - 1, y], [x, y + 1], [x, y - 1]] as const) {
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const q = nx + ny * width;
        if (!seen[q] && inside(nx, ny)) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    // Pixel centres: +0.5 turns an index into a position.
    b.cx = b.cx / b.area + 0.5;
    b.cy = b.cy / b.area + 0.5;
    blobs.push(b);
  }
  return blobs.sort((a, b) => b.area - a.area);
}

export function greyBlobs(image: GreyImage, threshold: number): Blob[] {
  return findBlobs(image.width, image.height, (x, y) => image.data[x + y * image.width]! > threshold);
}
