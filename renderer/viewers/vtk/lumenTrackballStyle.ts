/**
 * vtk.js's trackball-camera style with two changes for the workstation: Ctrl-drag
 * zooms (vtk.js spins; Alt-drag still spins), and its own keys are off — w, s, v
 * would switch every actor to wireframe / surface / points and r would fit without
 * restoring the anterior view; VolumeRenderer3D handles r itself. vtk.js freezes
 * instances, so the overrides go in an extend(), the vtk newInstance pattern.
 */
import macro from '@kitware/vtk.js/macros';
import vtkInteractorStyleTrackballCamera from '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera';

/** The fields of vtk.js's interactor event that the override reads. */
interface ButtonCallData {
  controlKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

interface StylePublicAPI {
  handleKeyPress: (callData: unknown) => void;
  handleLeftButtonPress: (callData: unknown) => void;
}

type TrackballInitialValues = Parameters<typeof vtkInteractorStyleTrackballCamera.extend>[2];

function extend(publicAPI: object, model: object, initialValues: object = {}): void {
  vtkInteractorStyleTrackballCamera.extend(publicAPI, model, initialValues as TrackballInitialValues);
  (model as { classHierarchy: string[] }).classHierarchy.push('vtkLumenTrackballStyle');
  const api = publicAPI as StylePublicAPI;
  api.handleKeyPress = () => undefined;
  const leftPress = api.handleLeftButtonPress;
  // vtk.js: Shift+Ctrl-drag dollies; so a plain Ctrl-drag is passed on as Shift+Ctrl.
  api.handleLeftButtonPress = (callData: unknown) => {
    const keys = callData as ButtonCallData;
    leftPress(keys.controlKey && !keys.shiftKey && !keys.altKey ? { ...keys, shiftKey: true } : callData);
  };
}

export const newLumenTrackballStyle: () => vtkInteractorStyleTrackballCamera = macro.newInstance(extend, 'vtkLumenTrackballStyle');
