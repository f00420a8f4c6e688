/**
 * The reference tools run side by side with Lumen in the benchmark: dcmtk's dcmdump
 * header scan and pydicom's `dcmread(stop_before_pixels=True)`, plus pydicom's full
 * volume read. Each peer times its own work (process start-up excluded) so the
 * ratios compare the work, not interpreter launch.
 */
import { spawnSync } from 'node:child_process';
import { hasTool } from '../support/referenceTools';
import { pydicomPython } from '../support/pydicom';

export interface PeerTiming {
  seconds: number;
  files: number;
}

const PY_HEADER_SCAN = `
import os, sys, time, json, pydicom
root = sys.argv[1]
files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]
t = time.perf_counter(); n = 0
for f in files:
    try:
        pydicom.dcmread(f, stop_before_pixels=True, force=True); n += 1
    except Exception:
        pass
print(json.dumps({"seconds": time.perf_counter() - t, "files": n}))
`;

const PY_VOLUME_LOAD = `
import os, sys, time, json, numpy as np, pydicom
root = sys.argv[1]
t = time.perf_counter()
ds = [pydicom.dcmread(os.path.join(root, f)) for f in os.listdir(root)]
ds.sort(key=lambda d: float(d.ImagePositionPatient[2]))
vol = np.stack([d.pixel_array.astype(np.float32) * float(d.RescaleSlope) + float(d.RescaleIntercept) for d in ds])
print(json.dumps({"seconds": time.perf_counter() - t, "files": len(ds)}))
`;

function runPydicom(script: string, folder: string): PeerTiming | null {
  const python = pydicomPython();
  if (!python) return null;
  const run = spawnSync(python, ['-c', script, folder], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) return null;
  return JSON.parse(run.stdout) as PeerTiming;
}

export function pydicomHeaderScan(folder: string): PeerTiming | null {
  return runPydicom(PY_HEADER_SCAN, folder);
}

export function pydicomVolumeLoad(folder: string): PeerTiming | null {
  return runPydicom(PY_VOLUME_LOAD, folder);
}

/** `dcmdump -q -M +sd +r`: recursive header dump that skips long values (pixel data). */
export function dcmdumpHeaderScan(folder: string, files: number): PeerTiming | null {
  if (!hasTool('dcmdump')) return null;
  const started = performance.now();
  const run = spawnSync('dcmdump', ['-q', '-M', '+sd', '+r', folder], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (run.error) return null;
  return { seconds, files };
}
