/** Help texts of the `lumen` command line. */
export const COMMANDS = ['index', 'export-volume', 'help'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const MAIN_USAGE = `Usage: lumen <command> [options]

Commands:
  index <folder> [--json]                 List the DICOM series in a folder (recursively)
  export-volume <folder> --out <file>     Write a volume series as NRRD, NIfTI or MetaImage
  help [command]                          Show help for a command

Options:
  -h, --help       Show help
  -v, --version    Show the version

Exit codes: 0 success, 2 usage error, 3 input error (the message says what to fix).
`;

export const COMMAND_USAGE: Record<CommandName, string> = {
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
