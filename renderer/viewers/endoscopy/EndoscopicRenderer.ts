/**
 * The flythrough's endoscopic view: a perspective camera inside the lumen, on the path and
 * looking along it, at the lumen's wall drawn as a lit surface, with the path ahead as a line.
 *
 * The wall is a marching-cubes isosurface of the one lumen the path runs through (lumenGrid:
 * ~1 mm voxels, smoothed, everything else filled), built in a worker (lumenSurfaceWorker: the main
 * thread only crops the volume around the path) whenever the volume, path or threshold changes,
 * cut into pieces so a frame draws only those ahead of the camera (meshChunks), and lit by a
 * headlight that fades with distance. A coarser copy of the wall is drawn while the flight plays
 * (MOVING_VOXEL_MM), and pieces are first drawn a few per frame (FIRST_DRAW_TRIANGLES), so
 * neither playback nor a new wall stalls the page. vtk.js's ray-cast volume mapper was tried first: it leaves part of the screen unrendered when the
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
import { IsosurfaceCancelledError, type WorkerFactory } from '../volume3d/IsosurfaceComputer';
import { ISO_DEBOUNCE_MS, type RenderQuality, type SurfaceEvent } from '../volume3d/VolumeRenderer3D';
import { litMeshActor } from '../vtk/litMeshActor';
import { openViewContext } from '../vtk/webglContext';
import { endoscopicSurface } from './endoscopicSurface';
import { cropAroundPath } from './lumenGrid';
import { LumenSurfaceComputer } from './LumenSurfaceComputer';
import type { LumenSurface } from './lumenSurfaceProtocol';
import { chunkVisible, diagonalHalfAngle, type MeshChunk } from './meshChunks';

export interface EndoscopicRendererListeners {
  /** A message when the view cannot draw (no WebGL2, context lost); null once it can again. */
  onGraphicsError?(message: string | null): void;
  onSurface?(event: SurfaceEvent): void;
}

export interface EndoscopicRendererOptions {
  /** 'auto' (default) picks 'software' on CPU rasterisers such as SwiftShader or llvmpipe. */
  quality?: RenderQuality | 'auto';
  /** Tests inject a worker; the default bundles lumenSurfaceWorker. */
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
/**
 * Voxel size of the wall drawn while the flight moves, mm. A software rasteriser spends about a
 * microsecond per triangle (SwiftShader: 36k triangles 41 ms, 13.6k 14 ms, at either 263×162 or
 * 132×81 pixels), so twice the voxel size (a quarter of the triangles; a third where slices are
 * already 2 mm or thicker) is the lever; resolution barely matters. Paused, the fine wall is drawn.
 */
export const MOVING_VOXEL_MM = 2;
/**
 * Triangles a frame may draw for the first time (making their actors and vertex buffers costs the
 * main thread more per triangle than drawing them again); the rest follow in the next frames,
 * nearest first. A new wall thus never stalls the page for a whole surface's worth.
 */
export const FIRST_DRAW_TRIANGLES = 4000;
/** Actors of a replaced wall deleted per frame. */
const RETIRE_PER_FRAME = 16;
const BACKGROUND: Vec3 = [0, 0, 0];
const PATH_COLOUR: Vec3 = [0.25, 0.9, 1];
const NO_WEBGL2 = 'The endoscopic view needs WebGL 2, which this graphics driver does not provide. The cross-section and slice views still work.';
const CONTEXT_LOST = 'The endoscopic view lost its graphics context (GPU reset or too many views open). It will redraw when the browser restores it.';


export interface SurfaceTimings {
  /** Cropping the volume around the path, on the main thread, ms. */
  cropMs: number;
  /** Preparing the grid (merging, smoothing, filling) in the worker, ms. */
  gridMs: number;
  /** Marching cubes and cutting into pieces in the worker, ms. */
  workerMs: number;
  /** Showing the new wall when it arrives (the nearest pieces' actors and the first frame), on the main thread, ms. */
  actorsMs: number;
  voxels: number;
  triangles: number;
  /** In the coarse wall drawn while moving. */
  coarseTriangles: number;
}

type WallDetail = 'fine' | 'coarse';

/** A piece of wall; its actor is made the first time it is to be drawn. */
interface WallPiece {
  chunk: MeshChunk;
  drawn: { actor: vtkActor; mapper: vtkMapper } | null;
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
  private readonly computer: LumenSurfaceComputer;
  private readonly cleanups: (() => void)[] = [];
  private readonly pixel = new Uint8Array(4);

  private volume: RendererVolume | null = null;
  private path: readonly Vec3[] | null = null;
  private lumen: LumenKind = 'dark';
  private wallHu: number | undefined;
  private pose: CameraPose | null = null;
  /** The wall in pieces, each with its actor, shown when the camera can see it: the fine wall, and the coarse one drawn while moving. */
  private wall: Record<WallDetail, WallPiece[]> = { fine: [], coarse: [] };
  /** The flight is playing: frames come every animation frame, so they draw the coarse wall. */
  private moving = false;
  /** A video export records the live view: the fine wall even while moving. */
  private recording = false;
  /** The animation frame that draws pieces the last frame's budget left out, or retires more. */
  private catchUpFrame: number | null = null;
  /** Actors of walls replaced, deleted a few per frame. */
  private readonly retiring: { actor: vtkActor; mapper: vtkMapper }[] = [];
  private colour: Vec3 = [1, 1, 1];
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
    this.computer = new LumenSurfaceComputer(options.workerFactory);
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

  /**
   * Playing: the flight moves every animation frame, and the coarse wall is drawn (unless a video
   * is recording); stopped, the fine wall is drawn again at once.
   */
  setMoving(moving: boolean): void {
    if (this.disposed || moving === this.moving) return;
    this.moving = moving;
    this.cull();
    this.render();
  }

  /** A video export is recording the live view: keep the fine wall while it plays. */
  setRecording(recording: boolean): void {
    if (this.disposed || recording === this.recording) return;
    this.recording = recording;
    this.cull();
    this.render();
  }

  /** The lumen kind and wall threshold the wall is built for (undefined: the lumen's default). */
  get transfer(): { lumen: LumenKind; wallHu: number | undefined } {
    return { lumen: this.lumen, wallHu: this.wallHu };
  }

  /** Which wall frames draw now: the coarse one only while moving (and when there is one). */
  get detail(): WallDetail {
    return this.moving && !this.recording && this.wall.coarse.length > 0 ? 'coarse' : 'fine';
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
    this.retire(RETIRE_PER_FRAME);
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
    return [...this.wall.fine, ...this.wall.coarse].reduce((sum, c) => sum + (c.drawn?.actor.getVisibility() ? c.chunk.polys.length / 4 : 0), 0);
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
    if (this.catchUpFrame !== null) cancelAnimationFrame(this.catchUpFrame);
    this.removeSurface(true);
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
    const cropped = cropAroundPath({ volume, path, radiusMm: LUMEN_RADIUS_MM });
    const cropMs = performance.now() - started;
    if (!cropped) {
      this.computer.cancel();
      this.removeSurface();
      this.render();
      this.listeners.onSurface?.({ kind: 'error', message: 'The path lies outside the volume: there is no wall to show.' });
      return;
    }
    this.listeners.onSurface?.({ kind: 'computing', isoValue: surface.isoValue });
    let result: LumenSurface;
    try {
      result = await this.computer.compute({ cropped, path, radiusMm: LUMEN_RADIUS_MM, surface, sigmaMm: SURFACE_SIGMA_MM, voxelMm: SURFACE_VOXEL_MM, chunkMm: CHUNK_MM, coarseVoxelMm: MOVING_VOXEL_MM });
    } catch (err) {
      if (err instanceof IsosurfaceCancelledError || generation !== this.surfaceGeneration) return;
      this.listeners.onSurface?.({ kind: 'error', message: `The lumen wall could not be built: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    if (generation !== this.surfaceGeneration || this.disposed) return;
    const shown = performance.now();
    this.showSurface(result, surface.colour);
    const { factors, dimensions, triangles, coarseTriangles, gridMs, surfaceMs } = result;
    this.surfaceTimings = { cropMs, gridMs, workerMs: surfaceMs, actorsMs: performance.now() - shown, voxels: dimensions[0] * dimensions[1] * dimensions[2], triangles, coarseTriangles };
    this.listeners.onSurface?.({ kind: 'ready', isoValue: surface.isoValue, factors, dimensions, triangles, ms: gridMs + surfaceMs });
  }

  private showSurface({ chunks, coarseChunks }: LumenSurface, colour: Vec3): void {
    this.removeSurface();
    if (!this.supported) return;
    this.colour = colour;
    this.wall = { fine: chunks.map((chunk) => ({ chunk, drawn: null })), coarse: coarseChunks.map((chunk) => ({ chunk, drawn: null })) };
    this.cull();
    this.render();
  }

  /** Shows the pieces of the wall of the current detail within range and inside the view's cone; hides the rest. */
  private cull(): void {
    const pose = this.pose;
    if (!pose) return;
    const [w, h] = this.glWindow.getSize();
    const half = diagonalHalfAngle(this.renderer.getActiveCamera().getViewAngle(), w / Math.max(1, h));
    const detail = this.detail;
    const firstDraws: WallPiece[] = [];
    for (const [which, pieces] of Object.entries(this.wall) as [WallDetail, WallPiece[]][]) {
      for (const piece of pieces) {
        const visible = which === detail && chunkVisible(piece.chunk, pose.position, pose.direction, half, VIEW_RANGE_MM);
        if (visible && !piece.drawn) firstDraws.push(piece);
        else piece.drawn?.actor.setVisibility(visible);
      }
    }
    // Exports wait for nothing: every frame they take is whole.
    let budget = this.fullResolution || this.recording ? Infinity : FIRST_DRAW_TRIANGLES;
    const distance = (c: MeshChunk): number => Math.hypot(c.centre[0] - pose.position[0], c.centre[1] - pose.position[1], c.centre[2] - pose.position[2]) - c.radius;
    firstDraws.sort((a, b) => distance(a.chunk) - distance(b.chunk));
    for (const piece of firstDraws) {
      if (budget <= 0) {
        this.catchUp();
        break;
      }
      // No ambient term: unlit wall far down the lumen goes black, as in an endoscope.
      piece.drawn = litMeshActor(piece.chunk, { colour: this.colour, ambient: 0, diffuse: 0.9, specular: 0.2, specularPower: 20 });
      this.renderer.addActor(piece.drawn.actor);
      budget -= piece.chunk.polys.length / 4;
    }
  }

  /** Draws again on the next animation frame, for the pieces this one's budget left out. */
  private catchUp(): void {
    this.catchUpFrame ??= requestAnimationFrame(() => {
      this.catchUpFrame = null;
      this.cull();
      this.render();
    });
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

  /** Hides the wall at once; its actors are deleted a few per frame (retire), or all now when `now`. */
  private removeSurface(now = false): void {
    const { fine, coarse } = this.wall;
    this.wall = { fine: [], coarse: [] };
    for (const { drawn } of [...fine, ...coarse]) {
      if (!drawn) continue;
      drawn.actor.setVisibility(false);
      this.retiring.push(drawn);
    }
    if (now) this.retire(Infinity);
  }

  /**
   * Deletes up to `count` actors of walls no longer shown. The buffers of a whole wall's worth
   * (after a flight, a hundred pieces or more) take tens of ms to release in one go: spread over
   * frames, a new wall never blocks the page for that long.
   */
  private retire(count: number): void {
    for (const { actor, mapper } of this.retiring.splice(0, count)) {
      this.renderer.removeActor(actor);
      mapper.getInputData()?.delete();
      mapper.delete();
      actor.delete();
    }
    if (this.retiring.length > 0 && !this.disposed) this.catchUp();
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
