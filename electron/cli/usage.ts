/** Help texts of the `lumen` command line. */
export const COMMANDS = ['index', 'export-volume', 'straighten', 'map-back', 'reconstruct', 'surface', 'help'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const MAIN_USAGE = `Usage: lumen <command> [options]

Commands:
  index <folder> [--json]                 List the DICOM series in a folder (recursively)
  export-volume <folder> --out <file>     Write a volume series as NRRD, NIfTI or MetaImage
  straighten <folder> --path <curve.mrk.json> --out <dir>
                                          Straightened (curved-reformat) volume along a path,
                                          its slice transforms and projections
  map-back <labels.nrrd> --transforms <transforms.json> --reference <folder> --out <labels.nrrd>
                                          Labels drawn on a straightened volume, back on the
                                          original volume's grid
  reconstruct <folder|file> --out <file|dir/>
                                          Cone-beam (FDK or SART) reconstruction of a rotational
                                          angiography run into a volume or a DICOM series
  surface <volume file|folder> --threshold <value> --out <model.stl>
                                          Iso-surface (marching cubes) as an STL, in LPS mm
  help [command]                          Show help for a command

Options:
  -h, --help       Show help
  -v, --version    Show the version

Exit codes: 0 success, 2 usage error, 3 input error (the message says what to fix),
130 interrupted (Ctrl+C: the output being written is removed).
`;

export const COMMAND_USAGE: Record<CommandName, string> = {
  'map-back': `Usage: lumen map-back <labels.nrrd> --transforms <dir>/transforms.json --reference <dicomFolder>
         [--series UID] --out <labels.nrrd> [--json]

Takes labels drawn on a straightened volume (the same size as the straightened.nrrd that
lumen straighten wrote with <dir>/transforms.json) and writes them on the reference
volume's grid, with its LPS geometry in the NRRD header. Each reference voxel takes the
label at its exact inverse position: the closest point of the path, then that slice's
frame; nearest neighbour, 0 where no slice covers it.

<out> may also be .nii, .nii.gz (RAS on disk) or .mha instead of .nrrd, or .dcm: a DICOM
Segmentation (SEG, binary, 1 bit per pixel) with one segment per label value (numbered
1..n in value order), a frame per slice a segment touches, each frame referencing the
reference image it lies on, and the reference series' patient and study.
Also writes <out>.report.json: voxels covered, labelled, in folded regions (where the
straightening folds: slices wider than the path's radius of curvature), and straightened
label voxels that no reference voxel reached.

Options:
  --series UID   The reference series; required when the folder holds several
  --json         The report on stdout
  -h, --help     Show this help
`,
  straighten: `Usage: lumen straighten <dicomFolder> [--series UID] --path <curve.mrk.json> --out <dir>
         [--size 512x512] [--spacing <mm>] [--step <mm>] [--mode straight|stretch]
         [--interp nearest|linear|cubic] [--projection mip,minip,mean,xray] [--slab <mm>] [--json]

Reslices a volume series along the first curve of a 3D Slicer markups file (LPS or RAS):
one plane perpendicular to the path every --step mm of arc length, --size pixels of
--spacing mm, centred on the path. Values are raw (HU for CT), never screen grey.

Writes into <dir> (never inside <dicomFolder>):
  straightened.nrrd        voxel (i, j, k) = value at sliceToWorld[k]·(i, j, 0, 1)
  straightened-mask.nrrd   1 where the sample lay inside the volume (outside: -1024 for CT)
  transforms.json          { "from": "straightened-pixel", "to": "LPS", "size", "pixelSpacing",
                             "sliceSpacing", "slices": [ { "sliceToWorld": [16, row-major], "arcLength" } ] }
  jacobian.nrrd            det of d(LPS)/d(column, row, arc length) mm: <= 0 where slices fold
  displacement-straightened-to-LPS.mha
                           ITK displacement field from the straightened volume's nominal grid
                           (origin 0, identity directions, spacings) to LPS
  displacement-LPS-to-straightened.mha and displacement-LPS-to-straightened-mask.nrrd
                           its inverse on the original voxel grid (cropped to where the slices
                           reach; every n-th voxel when large), with a mask: 1 where defined
                           (inside a slice, Jacobian > 0), 0 and a zero vector elsewhere
                           (straight mode only)
  projection-<kind>.nrrd and .png, provenance.json

Options:
  --series UID        The series; required when the folder holds several
  --size CxR          Columns x rows of each slice (default 512x512)
  --spacing mm        Pixel size (default: the volume's finest in-plane spacing)
  --step mm           Arc length between slices (default: --spacing)
  --mode straight     straight: planes perpendicular to the path; stretch: stretched CPR
                      (Kanitsar): parallel scan lines across --direction, rows = arc length
  --direction 0,1,0   Stretched CPR viewing direction, x,y,z in LPS or anterior, posterior,
                      left, right, superior, inferior (default 0,1,0: seen from the front)
  --interp linear     nearest, linear (default) or cubic (Catmull-Rom)
  --projection mip    Comma-separated: mip, minip, mean, xray (default mip), and panoramic:
                      the dental panoramic preset for a path drawn along the arch. It
                      averages over a slab across the arch (the slice axis the arch bends
                      along; rows for a straight path), 15 mm unless --slab says otherwise,
                      whatever --projection-axis says, and lays the image out as a
                      panoramic radiograph: the path left to right, superior at the top
                      (draw the arch from the patient's right to left for the usual view)
  --projection-axis row
                      Project along row (across the path), column, or slice
  --slab mm           Slab thickness centred in the projected axis (default: all of it)
  --curve catmull-rom Path interpolation: catmull-rom (centripetal), natural-cubic or linear
  --roll deg          Roll of every slice about the path
  --json              Summary on stdout, with timings { load_s, reslice_s, write_s }
  -h, --help          Show this help
`,
  index: `Usage: lumen index <folder> [--json]

Reads the DICOM headers of every file under <folder> and lists its series.
Nothing is written anywhere.

Options:
  --json       Machine-readable output on stdout:
               { "series": [ { "uid", "kind", "modality", "description", "files", "frames",
                 "dimensions": [columns, rows, slices], "spacing": [col mm, row mm, slice mm],
                 "warnings": [...] , ... } ], "skipped": [ { "file", "reason" } ] }
  -h, --help   Show this help
`,
  'export-volume': `Usage: lumen export-volume <folder> [--series UID] --out <file>

Loads a volume series from <folder> and writes it in modality units (HU for CT)
with its exact patient geometry (LPS; NIfTI files are RAS on disk, as NIfTI requires).
The format follows the file name: .nrrd (gzip), .nii, .nii.gz or .mha.
The output may not be inside <folder>: Lumen never writes into a DICOM source folder.

Options:
  --series UID   The series to export; required when the folder holds several
  --out FILE     The file to write (written atomically)
  -h, --help     Show this help
`,
  reconstruct: `Usage: lumen reconstruct <folder|file> [--series UID] --out <file.nrrd|.nii.gz|.mha | dir/>
         [--size 256x256x160] [--spacing <mm>] [--filter ramlak|shepp-logan|cosine|hamming|hann]
         [--algorithm fdk|sart] [--iterations N] [--geometry rtk.xml] [--export-geometry rtk.xml] [--json]
         [--bin N] [--dark FILE] [--flat FILE] [--hu[=muWater]]

Reconstructs a rotational angiography run (a C-arm spin: an XA/XRF multi-frame whose
positioner moved) into a volume of linear attenuation (1/mm, as RTK), centred on the
isocentre, in LPS. The geometry comes from the DICOM header: Positioner Primary/Secondary
Angle and their increments (or the Enhanced XA per-frame angles), Distance Source to
Detector and to Patient (1200 and 800 mm when missing, with a warning), Imager Pixel
Spacing, Pixel Intensity Relationship (LIN: I0 estimated from air; LOG: the drop below
the air level, in the vendor's log units).
FDK: cosine and Parker short-scan weights, ramp filter, voxel-driven backprojection on
every core; 0 outside the field of view every projection sees.
SART (for sparse or noisy runs): view-by-view SART (Andersen & Kak, as RTK's rtksart with
one projection per subset, λ = 0.5) from a zero volume, with a ray-driven (Joseph)
projector, positivity and the field of view enforced at every update.

<out> is a .nrrd, .nii, .nii.gz or .mha file (float32), or, ending with /, a folder for a
DICOM series: CT Image Storage, one slice per file, int16 with Rescale Slope to 1/mm
(Rescale Type US), a new series in the run's study. Never inside the source folder.

Options:
  --series UID        The run; required when the folder holds several
  --size XxYxZ        Voxels (default: covering the field of view)
  --spacing mm        Isotropic voxel size (default: the detector pixel at the isocentre)
  --filter ramlak     Ramp window: ramlak, shepp-logan, cosine, hamming or hann (fdk only)
  --algorithm fdk     fdk (filtered backprojection) or sart (iterative: fewer streaks from
                      few views, less noise; each iteration takes ~25× as long as fdk)
  --iterations N      SART iterations (default 5); not for fdk
  --bin N             Average N×N detector pixels before reconstructing (faster on large
                      detectors; the detector centre is kept exactly)
  --dark FILE         Dark (offset) image: a DICOM image, a one-slice NRRD/NIfTI/MHA, or raw
  --flat FILE         Flat (gain, unattenuated) image, same formats; LIN runs become
                      (I − dark)/(flat − dark) before the logarithm
  --hu[=muWater]      Output Hounsfield units, 1000·(μ − μwater)/μwater: μwater in 1/mm when
                      given (from a water phantom), else estimated as the peak of the
                      volume's histogram in the field of view (the dominant soft tissue
                      then reads 0 HU, true water about −40 HU)
  --geometry FILE     RTK ThreeDCircularProjectionGeometry XML (version 2 or 3) instead of
                      the DICOM angles and distances; one projection per frame, on the
                      run's detector (size and pixel pitch from DICOM)
  --export-geometry FILE
                      Write the geometry used as RTK XML, to cross-check with RTK (its
                      frame: RTK x = L, y = −S, z = P; see shared/io/rtkGeometry.ts)
  --json              Summary on stdout: grid, geometry report (arc, step, fan and cone
                      angles, magnification, warnings), I0, voxel updates/s, and timings
                      { index_s, i0_s, filter_s, backproject_s, mask_s, write_s, total_s }
  -h, --help          Show this help
`,
  surface: `Usage: lumen surface <volume file or dicomFolder> [--series UID] --threshold <value> --out <model.stl>
         [--smooth N] [--decimate F] [--largest] [--ras] [--json]

Extracts the iso-surface of a volume (marching cubes) and writes it as a binary STL.
The input is a .nrrd, .nii, .nii.gz or .mha file, or a DICOM folder (its volume series).
Voxels above --threshold are inside; the threshold is in the volume's units (HU for CT:
e.g. 300 for bone). The mesh is closed where the object meets the edge of the volume
(capped half a voxel outside the outer voxels), every edge is shared by two triangles,
and the triangles face out of the bright object.

STL has no coordinate frame: Lumen writes millimetres in DICOM patient coordinates, LPS
(x to the patient's left, y posterior, z superior), unless --ras is given (x right,
y anterior, z superior, as 3D Slicer and most mesh tools expect). The output may not be
inside a DICOM source folder; it is written atomically.

Options:
  --threshold V       Iso-value (required)
  --series UID        The series; required when the folder holds several
  --smooth N          Taubin (λ/μ) smoothing iterations: smooths the voxel staircase
                      without shrinking (default 0; 10–30 is typical)
  --decimate F        Keep this fraction of the triangles, in (0, 1] (quadric edge
                      collapse; the surface stays closed and manifold). Default 1
  --largest           Keep only the largest connected piece (drops fragments and noise)
  --ras               Write RAS instead of LPS coordinates
  --json              Summary on stdout: { "frame": "LPS"|"RAS", "triangles", "vertices",
                      "components", "areaMm2", "volumeMl" (enclosed), "output",
                      "timings": { load_s, marchingCubes_s, largest_s, smooth_s,
                      decimate_s, write_s, total_s } }
  -h, --help          Show this help
`,
  help: `Usage: lumen help [command]

Shows the help of a command, or the list of commands.
`,
};

export function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}
