/**
 * The flythrough's endoscopic view: a perspective camera inside the lumen, on the path and
 * looking along it, at the lumen's wall drawn as a lit surface, with the path ahead as a line.
 *
 * The wall is a marching-cubes isosurface of the one lumen the path runs through (lumenGrid:
 * ~1 mm voxels, smoothed, everything else filled), computed in the 3D view's isosurface worker
 * whenever the volume, path or threshold changes, cut into pieces so a frame draws only those
 * ahead of the camera (meshChunks), and lit by a headlight that fades with distance. vtk.js's
 * ray-cast volume mapper was tried first: it leaves part of the screen unrendered when the
 * camera is inside the volume's bounds (Kitware/vtk-js#2546, open: its screen-space bounds
 * project the box corners behind the camera mirrored; a strip of the view stayed black inside
 * the chest CT), and in SwiftShader a shaded frame in the chest CT's aorta took ~0.9 s at half
 * resolution, since every ray sample costs seven texture reads with shading. The surface's
 * visible pieces (~3·10⁴ triangles there) draw in ~30 ms on the same rasteriser.
 *
 * Plain TypeScript around vtk.js like VolumeRenderer3D: the workspace pushes the pose, view
 * angle, path and threshold in; no vtk object leaves this class.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkLight from '@kitware/vtk.js/Rendering/Core/Light';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import type { CameraPose } from '../../../shared/curve/CameraPose';
import { addScaled, type Vec3 } from '../../../shared/math/vec3';
import type { LumenKind } from '../../stores/FlythroughStore';
import type { RendererVolume } from '../RendererVolume';
import { axisSpacing } from '../volume3d/downsampleVolume';
import { IsosurfaceCancelledError, IsosurfaceComputer, type IsosurfaceResult, type WorkerFactory } from '../volume3d/IsosurfaceComputer';
import { ISO_DEBOUNCE_MS, type RenderQuality, type SurfaceEvent } from '../volume3d/VolumeRenderer3D';
import { litMeshActor } from '../vtk/litMeshActor';
import { openViewContext } from '../vtk/webglContext';
import { endoscopicSurface } from './endoscopicSurface';
import { lumenGrid } from './lumenGrid';
import { chunkMesh, chunkVisible, diagonalHalfAngle, orderAlongPath, type MeshChunk } from './meshChunks';

export interface EndoscopicRendererListeners {
  /** A message when the view cannot draw (no WebGL2, context lost); null once it can again. */
  onGraphicsError?(message: string | null): void;
  onSurface?(event: SurfaceEvent): void;
}

export interface EndoscopicRendererOptions {
  /** 'auto' (default) picks 'software' on CPU rasterisers such as SwiftShader or llvmpipe. */
  quality?: RenderQuality | 'auto';
  /** Tests inject a worker; the default bundles the 3D view's isosurface worker. */
  workerFactory?: WorkerFactory;
}

/** Canvas pixels per CSS pixel, before devicePixelRatio: on a CPU rasteriser a quarter of the fragments. */
const RENDER_SCALE: Record<RenderQuality, number> = { full: 1, software: 0.5 };

/** The wall is looked for this far from the path, mm: an aorta's or colon's radius with room to spare. */
export const LUMEN_RADIUS_MM = 25;
/** Smoothing before marching cubes, mm: takes a sharp kernel's noise well below the lumen-to-wall step. */
export const SURFACE_SIGMA_MM = 1;
/** The surface is extracted from ~1 mm voxels: finer ones only multiply triangles (which cost vertex work every frame). */
export const SURFACE_VOXEL_MM = 1;
/** The camera sits inside a lumen a few mm across: anything nearer than this is skipped. */
export const NEAR_CLIP_MM = 0.5;
/** The light at the camera falls off with distance (half at this many mm), as an endoscope's does: the depth cue. */
const LIGHT_HALF_MM = 50;
/** Beyond this the headlight leaves under 10 % and the wall is not drawn at all, mm. */
const VIEW_RANGE_MM = 150;
/** Side of the cubes the surface is cut into for culling, mm. */
const CHUNK_MM = 24;
const BACKGROUND: Vec3 = [0, 0, 0];
const PATH_COLOUR: Vec3 = [0.25, 0.9, 1];
const NO_WEBGL2 = 'The endoscopic view needs WebGL 2, which this graphics driver does not provide. The cross-section and slice views still work.';
const CONTEXT_LOST = 'The endoscopic view lost its graphics context (GPU reset or too many views open). It will redraw when the browser restores it.';


export interface SurfaceTimings {
  /** Cropping, smoothing and filling the grid on the main thread, ms. */
  gridMs: number;
  /** Marching cubes in the worker, ms. */
  workerMs: number;
  voxels: number;
  triangles: number;
}

export class EndoscopicRenderer {
  /** False when no WebGL2 context could be created; every call is then a no-op. */
  readonly supported: boolean;
  readonly quality: RenderQuality;
  /** The last frame's submission, ms: vtk.js's work on the main thread (the GPU finishes it later; measureFrame waits for it). */
  lastFrameMs = 0;
  /** Frames drawn so far: the frame rate is its change over time. */
  frames = 0;
  /** The last surface's costs, for the benchmark (null before the first). */
  surfaceTimings: SurfaceTimings | null = null;
  private readonly renderWindow = vtkRenderWindow.newInstance();
  private readonly renderer = vtkRenderer.newInstance();
  private readonly glWindow = vtkOpenGLRenderWindow.newInstance();
  private readonly gl: WebGL2RenderingContext | null;
  private readonly computer: IsosurfaceComputer;
  private readonly cleanups: (() => void)[] = [];
  private readonly pixel = new Uint8Array(4);

  private volume: RendererVolume | null = null;
  private path: readonly Vec3[] | null = null;
  private lumen: LumenKind = 'dark';
  private wallHu: number | undefined;
  private pose: CameraPose | null = null;
  /** The wall in pieces, each with its actor, shown when the camera can see it. */
  private chunks: { chunk: MeshChunk; actor: vtkActor; mapper: vtkMapper }[] = [];
  private pathActor: vtkActor | null = null;
  private pathMapper: vtkMapper | null = null;
  private surfaceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped per surface request so a late answer for an old path or threshold is dropped. */
  private surfaceGeneration = 0;
  /** Far clipping distance, mm: beyond anything in the volume. */
  private farMm = 1000;
  /** Exports draw every CSS pixel whatever the quality: they are not real-time. */
  private fullResolution = false;
  private contextLost = false;
  private disposed = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly listeners: EndoscopicRendererListeners = {},
    options: EndoscopicRendererOptions = {},
  ) {
    this.computer = new IsosurfaceComputer(options.workerFactory);
    this.renderer.setBackground(...BACKGROUND);
    this.renderWindow.addRenderer(this.renderer);
    this.renderWindow.addView(this.glWindow);
    this.glWindow.setContainer(container);
    const context = openViewContext(this.canvas, options.quality ?? 'auto', { noWebGl2: NO_WEBGL2, contextLost: CONTEXT_LOST }, {
      onGraphicsError: (message) => this.listeners.onGraphicsError?.(message),
      onLost: () => (this.contextLost = true),
      onRestored: () => {
        this.contextLost = false;
        this.render();
      },
    });
    this.cleanups.push(context.dispose);
    this.gl = context.gl;
    this.supported = this.gl !== null;
    this.quality = context.quality;
    if (!this.supported) return;
    this.renderer.getActiveCamera().setParallelProjection(false);
    const light = vtkLight.newInstance();
    light.setLightTypeToHeadLight();
    light.setPositional(true);
    // A cone wider than 90° is no spotlight: the light falls off with distance only.
    light.setConeAngle(180);
    light.setAttenuationValues(1, 0, 1 / LIGHT_HALF_MM ** 2);
    this.renderer.addLight(light);
    this.resize();
  }

  /** The canvas vtk.js draws into: for captureStream (video) and toBlob (frames). */
  get canvas(): HTMLCanvasElement {
    return this.glWindow.getCanvas() as HTMLCanvasElement;
  }

  setVolume(volume: RendererVolume | null): void {
    if (this.disposed || volume === this.volume) return;
    this.volume = volume;
    // No two points of the volume are farther apart than its edges laid end to end.
    if (volume) this.farMm = axisSpacing(volume.ijkToLps).reduce((sum, mm, a) => sum + mm * volume.dimensions[a]!, 0);
    this.requestSurface(0);
  }

  /** The path through its samples (LPS mm), drawn as a line and followed by the surface; null clears both. */
  setPath(points: readonly Vec3[] | null): void {
    if (this.disposed) return;
    this.path = points && points.length >= 2 ? points : null;
    this.showPath();
    this.requestSurface(ISO_DEBOUNCE_MS);
  }

  /** Which lumen the camera flies through, and the wall threshold (HU; default per lumen). */
  setTransfer(lumen: LumenKind, wallHu?: number): void {
    if (this.disposed || (lumen === this.lumen && wallHu === this.wallHu)) return;
    this.lumen = lumen;
    this.wallHu = wallHu;
    this.requestSurface(ISO_DEBOUNCE_MS);
  }

  /** The camera on the path; null keeps the last pose. */
  setPose(pose: CameraPose | null): void {
    if (!pose || this.disposed) return;
    this.pose = pose;
    const camera = this.renderer.getActiveCamera();
    camera.setPosition(...pose.position);
    // Any point ahead will do: the focal distance only matters to interaction, which is off.
    camera.setFocalPoint(...addScaled(pose.position, pose.direction, 10));
    camera.setViewUp(...pose.up);
    camera.setClippingRange(NEAR_CLIP_MM, this.farMm);
    this.cull();
    this.render();
  }

  /** Vertical field of view, degrees. */
  setViewAngle(degrees: number): void {
    this.renderer.getActiveCamera().setViewAngle(degrees);
    this.cull();
    this.render();
  }

  /** Full resolution (for exports) or the quality's own (live). */
  setFullResolution(full: boolean): void {
    this.fullResolution = full;
    this.resize();
  }

  /** Matches the canvas to the container's CSS size at the quality's resolution. */
  resize(): void {
    if (!this.supported || this.disposed) return;
    const { width, height } = this.container.getBoundingClientRect();
    const ratio = (window.devicePixelRatio || 1) * (this.fullResolution ? 1 : RENDER_SCALE[this.quality]);
    const w = Math.max(1, Math.floor(width * ratio));
    const h = Math.max(1, Math.floor(height * ratio));
    const [cw, ch] = this.glWindow.getSize();
    if (cw !== w || ch !== h) this.glWindow.setSize(w, h);
    this.cull();
    this.render();
  }

  /** Submits a frame; the GPU draws it while the main thread carries on (the slice views' reslicing). */
  render(): void {
    if (!this.supported || this.disposed || this.contextLost || !this.gl || !this.pose) return;
    const started = performance.now();
    this.renderWindow.render();
    this.lastFrameMs = performance.now() - started;
    this.frames++;
  }

  /** Draws the current frame and waits for the GPU to finish it (a one-pixel read): its whole cost, ms. */
  measureFrame(): number {
    if (!this.gl) return 0;
    const started = performance.now();
    this.render();
    this.gl.readPixels(0, 0, 1, 1, this.gl.RGBA, this.gl.UNSIGNED_BYTE, this.pixel);
    return performance.now() - started;
  }

  /** How many triangles the last frame drew (the visible pieces), for the benchmark. */
  get drawnTriangles(): number {
    return this.chunks.reduce((sum, c) => sum + (c.actor.getVisibility() ? c.chunk.polys.length / 4 : 0), 0);
  }

  /**
   * Draws the current pose and encodes it as PNG. The canvas is read in the same task as the
   * draw: without preserveDrawingBuffer the browser clears it once the frame is shown.
   */
  capturePng(): Promise<Blob> {
    this.render();
    return new Promise((resolve, reject) => this.canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The endoscopic view could not be encoded as PNG.'))), 'image/png'));
  }

  dispose(): void {
    if (this.disposed) return;
    clearTimeout(this.surfaceTimer);
    this.surfaceGeneration++;
    this.computer.dispose();
    this.removeSurface();
    this.removePath();
    this.cleanups.splice(0).forEach((cleanup) => cleanup());
    this.disposed = true;
    // Release GPU resources while the context is alive, then drop the context itself so
    // reopening the flythrough never piles up contexts (Chrome allows only ~16).
    this.glWindow.setContainer(null as unknown as HTMLElement);
    this.renderWindow.removeView(this.glWindow);
    this.glWindow.delete();
    this.renderer.delete();
    this.renderWindow.delete();
    this.gl?.getExtension('WEBGL_lose_context')?.loseContext();
  }

  /** A slider drag or path edit fires many changes: the surface follows the last one. */
  private requestSurface(delayMs: number): void {
    clearTimeout(this.surfaceTimer);
    this.surfaceTimer = setTimeout(() => {
      this.surfaceTimer = undefined;
      void this.computeSurface();
    }, delayMs);
  }

  private async computeSurface(): Promise<void> {
    const generation = ++this.surfaceGeneration;
    const { volume, path } = this;
    if (!volume || !path) {
      this.computer.cancel();
      this.removeSurface();
      this.render();
      return;
    }
    const surface = endoscopicSurface(this.lumen, this.wallHu);
    const started = performance.now();
    const grid = lumenGrid({ volume, path, radiusMm: LUMEN_RADIUS_MM, surface, sigmaMm: SURFACE_SIGMA_MM, voxelMm: SURFACE_VOXEL_MM });
    const gridMs = performance.now() - started;
    if (!grid) {
      this.removeSurface();
      this.render();
      this.listeners.onSurface?.({ kind: 'error', message: 'The path lies outside the volume: there is no wall to show.' });
      return;
    }
    this.computer.setVolume(grid);
    this.listeners.onSurface?.({ kind: 'computing', isoValue: surface.isoValue });
    let result: IsosurfaceResult;
    try {
      result = await this.computer.compute(surface.isoValue);
    } catch (err) {
      if (err instanceof IsosurfaceCancelledError || generation !== this.surfaceGeneration) return;
      this.listeners.onSurface?.({ kind: 'error', message: `The lumen wall could not be built: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    if (generation !== this.surfaceGeneration || this.disposed) return;
    this.showSurface(result, surface.colour);
    const [gx, gy, gz] = grid.dimensions;
    this.surfaceTimings = { gridMs, workerMs: result.ms, voxels: gx * gy * gz, triangles: result.triangles };
    const { factors, dimensions, triangles, ms } = result;
    this.listeners.onSurface?.({ kind: 'ready', isoValue: surface.isoValue, factors, dimensions, triangles, ms });
  }

  private showSurface(mesh: IsosurfaceResult, colour: Vec3): void {
    this.removeSurface();
    if (!this.supported) return;
    for (const chunk of orderAlongPath(chunkMesh(mesh, CHUNK_MM), this.path ?? [])) {
      // No ambient term: unlit wall far down the lumen goes black, as in an endoscope.
      const { actor, mapper } = litMeshActor(chunk, { colour, ambient: 0, diffuse: 0.9, specular: 0.2, specularPower: 20 });
      this.chunks.push({ chunk, actor, mapper });
      this.renderer.addActor(actor);
    }
    this.cull();
    this.render();
  }

  /** Shows the pieces of the wall within range and inside the view's cone; hides the rest. */
  private cull(): void {
    const pose = this.pose;
    if (!pose || this.chunks.length === 0) return;
    const [w, h] = this.glWindow.getSize();
    const half = diagonalHalfAngle(this.renderer.getActiveCamera().getViewAngle(), w / Math.max(1, h));
    for (const { chunk, actor } of this.chunks) actor.setVisibility(chunkVisible(chunk, pose.position, pose.direction, half, VIEW_RANGE_MM));
  }

  private showPath(): void {
    this.removePath();
    const points = this.path;
    if (!this.supported || !points) {
      this.render();
      return;
    }
    const coordinates = new Float32Array(points.length * 3);
    points.forEach((p, n) => coordinates.set(p, 3 * n));
    const line = new Uint32Array(points.length + 1);
    line[0] = points.length;
    for (let n = 0; n < points.length; n++) line[n + 1] = n;
    const poly = vtkPolyData.newInstance();
    poly.getPoints().setData(coordinates, 3);
    poly.getLines().setData(line);
    const mapper = vtkMapper.newInstance();
    mapper.setInputData(poly);
    const actor = vtkActor.newInstance();
    actor.setMapper(mapper);
    const property = actor.getProperty();
    property.setColor(...PATH_COLOUR);
    property.setLighting(false);
    property.setLineWidth(2);
    this.pathActor = actor;
    this.pathMapper = mapper;
    this.renderer.addActor(actor);
    this.render();
  }

  private removeSurface(): void {
    for (const { actor, mapper } of this.chunks.splice(0)) {
      this.renderer.removeActor(actor);
      mapper.getInputData()?.delete();
      mapper.delete();
      actor.delete();
    }
  }

  private removePath(): void {
    if (this.pathActor) {
      this.renderer.removeActor(this.pathActor);
      this.pathMapper?.getInputData()?.delete();
      this.pathMapper?.delete();
      this.pathActor.delete();
    }
    this.pathActor = null;
    this.pathMapper = null;
  }
}
