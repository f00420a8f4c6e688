/**
 * Chromium switches the shell sets before the app is ready. Without a GPU (a hospital VM, a
 * remote desktop), Chromium 144 and later no longer fall back to SwiftShader for WebGL by
 * themselves, so the 3D and endoscopic views would have no WebGL 2; the opt-in is meant for
 * trusted content, which is all Lumen's window ever loads (its own bundled page, a strict
 * CSP, no remote content). With a GPU it changes nothing. Chromium then composites the page
 * on the CPU, as the flythrough benchmark's "compositor on the CPU" rows measure.
 */
export const CHROMIUM_SWITCHES: readonly string[] = ['enable-unsafe-swiftshader'];
