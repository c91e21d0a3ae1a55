import { resolve } from 'node:path';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT: ReadonlyMap<string, number> = new Map([...BASE64].map((c, i) => [c, i]));

/** A source map, the fields read here. */
interface SourceMap {
  readonly sources: readonly string[];
  readonly sourceRoot?: string;
  readonly mappings: string;
}

/** The numbers of one Base64 VLQ segment (`AAAA` → `[0, 0, 0, 0]`). */
const decodeSegment = (segment: string): number[] => {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`Invalid source map: "${char}" in segment "${segment}"`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
    value = 0;
    shift = 0;
  }
  return values;
};

/** `/…/node_modules/@scope/name/...` → `@scope/name`; our own files → `streamfold`. */
export const packageOfSource = (path: string): string => {
  const at = path.lastIndexOf('node_modules/');
  if (at === -1) return 'streamfold';
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
};

/**
 * Bytes of a bundle that each npm package (or `streamfold`, for our code) produced, read from the bundle's
 * source map: each mapping segment's generated span (up to the next segment, or the end of the line) is
 * credited to the segment's source, resolved against `mapDir` (the map's folder). Code no segment covers
 * (the bundler's runtime helpers, legal comments) is credited to nobody. Largest first.
 *
 * @example
 * bundleComposition(readFileSync('out/index.js', 'utf8'), JSON.parse(readFileSync('out/index.js.map', 'utf8')), 'out');
 */
export const bundleComposition = (
  code: string,
  map: SourceMap,
  mapDir: string,
): { readonly name: string; readonly bytes: number }[] => {
  const packages = map.sources.map((source) =>
    packageOfSource(resolve(mapDir, map.sourceRoot ?? '', source)),
  );
  const lines = code.split('\n');
  const byPackage = new Map<string, number>();
  let source = 0;
  map.mappings.split(';').forEach((lineMappings, lineIndex) => {
    const lineBytes = Buffer.byteLength(lines[lineIndex] ?? '');
    const line = lines[lineIndex] ?? '';
    let column = 0;
    let open: { column: number; source: number } | undefined;
    const close = (end: number): void => {
      if (open === undefined) return;
      // Columns count UTF-16 code units; credit UTF-8 bytes, as the file's size does.
      const bytes =
        end >= line.length
          ? lineBytes - Buffer.byteLength(line.slice(0, open.column))
          : Buffer.byteLength(line.slice(open.column, end));
      const name = packages[open.source] ?? 'unknown';
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytes);
    };
    for (const segment of lineMappings === '' ? [] : lineMappings.split(',')) {
      const fields = decodeSegment(segment);
      column += fields[0] ?? 0;
      close(column);
      if (fields.length >= 4) {
        source += fields[1] ?? 0;
        open = { column, source };
      } else {
        open = undefined;
      }
    }
    close(line.length);
  });
  return [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
};
