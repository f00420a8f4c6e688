/**
 * A triangle mesh with its own normals as a lit vtk.js actor: the 3D view's isosurface
 * and the endoscopic wall differ only in their material.
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import type { Vec3 } from '../../../shared/math/vec3';
import type { IsosurfaceMesh } from '../volume3d/isosurfaceMesh';

export interface Material {
  colour: Vec3;
  ambient: number;
  diffuse: number;
  specular: number;
  specularPower: number;
}

export function litMeshActor(mesh: IsosurfaceMesh, material: Material): { actor: ReturnType<typeof vtkActor.newInstance>; mapper: ReturnType<typeof vtkMapper.newInstance> } {
  const poly = vtkPolyData.newInstance();
  poly.getPoints().setData(mesh.points, 3);
  poly.getPolys().setData(mesh.polys);
  poly.getPointData().setNormals(vtkDataArray.newInstance({ name: 'Normals', numberOfComponents: 3, values: mesh.normals }));
  const mapper = vtkMapper.newInstance();
  mapper.setInputData(poly);
  mapper.setScalarVisibility(false);
  const actor = vtkActor.newInstance();
  actor.setMapper(mapper);
  const property = actor.getProperty();
  property.setColor(...material.colour);
  property.setAmbient(material.ambient);
  property.setDiffuse(material.diffuse);
  property.setSpecular(material.specular);
  property.setSpecularPower(material.specularPower);
  return { actor, mapper };
}
