// vtk.js 37 ships no typings for this filter; only what isosurfaceMesh.ts uses.
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes' {
  import type vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
  import type vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';

  export interface vtkImageMarchingCubes {
    setInputData(data: vtkImageData): void;
    setContourValue(value: number): boolean;
    setComputeNormals(compute: boolean): boolean;
    setMergePoints(merge: boolean): boolean;
    getOutputData(): vtkPolyData;
    delete(): void;
  }

  export function newInstance(initialValues?: { contourValue?: number; computeNormals?: boolean; mergePoints?: boolean }): vtkImageMarchingCubes;

  const vtkImageMarchingCubes: { newInstance: typeof newInstance };
  export default vtkImageMarchingCubes;
}
