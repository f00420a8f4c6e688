/**
 * Named measurement hooks on `window.__lumenPerf`, for the Playwright benchmark to read
 * what the viewers timed themselves (reslice and draw per slice change, 3D frame rate).
 * Reading them changes nothing; they are plain functions, not a debug back door.
 */
type Probe = (...args: never[]) => unknown;

declare global {
  interface Window {
    __lumenPerf?: Record<string, Probe>;
  }
}

export function registerPerfProbe(name: string, probe: Probe): () => void {
  const probes = (window.__lumenPerf ??= {});
  probes[name] = probe;
  return () => {
    if (probes[name] === probe) delete probes[name];
  };
}
