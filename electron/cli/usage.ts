/** Help texts of the `lumen` command line. */
export const COMMANDS = ['index', 'export-volume', 'straighten', 'map-back', 'help'] as const;
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
  help [command]                          Show help for a command

Options:
  -h, --help       Show help
  -v, --version    Show the version

Exit codes: 0 success, 2 usage error, 3 input error (the message says what to fix).
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
  help: `Usage: lumen help [command]

Shows the help of a command, or the list of commands.
`,
};

export function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}
