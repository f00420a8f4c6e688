/**
 * Safe, NaN-proof reads of element values from a parsed data set. A value that is
 * absent, runs past the bytes we have, or does not parse yields undefined; a value
 * that is present but malformed also leaves a plain-language warning, so series
 * logic can tell the user why a field was ignored.
 */
import type { DataSet, Element } from './dicomParserApi';

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** "x00280008" -> "(0028,0008)" for warnings people can look up. */
export function tagLabel(tag: string): string {
  return `(${tag.slice(1, 5).toUpperCase()},${tag.slice(5, 9).toUpperCase()})`;
}

export class ElementValues {
  constructor(
    readonly dataSet: DataSet,
    private readonly warnings: string[],
    private readonly isUtf8: boolean,
  ) {}

  /** The same reader over a nested item's data set. */
  nested(dataSet: DataSet): ElementValues {
    return new ElementValues(dataSet, this.warnings, this.isUtf8);
  }

  element(tag: string): Element | undefined {
    const el = this.dataSet.elements[tag];
    if (!el || el.length === 0xffffffff || el.dataOffset + el.length > this.dataSet.byteArray.length) return undefined;
    return el;
  }

  /** Items of a sequence, as readers. */
  items(tag: string): ElementValues[] {
    const el = this.dataSet.elements[tag];
    return (el?.items ?? []).flatMap((item) => (item.dataSet ? [this.nested(item.dataSet)] : []));
  }

  raw(tag: string): string | undefined {
    const el = this.element(tag);
    if (!el || el.length === 0) return undefined;
    const bytes = this.dataSet.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
    return (this.isUtf8 ? utf8 : latin1).decode(bytes);
  }

  /** All values of a string element, each trimmed of padding; empty values kept as ''. */
  strings(tag: string): string[] | undefined {
    const text = this.raw(tag);
    if (text === undefined) return undefined;
    const values = text.replace(/\0+$/, '').split('\\').map((v) => v.trim());
    return values.every((v) => v === '') ? undefined : values;
  }

  string(tag: string): string | undefined {
    const v = this.raw(tag)?.replace(/\0/g, '').trim();
    return v === '' ? undefined : v;
  }

  /** Numeric strings (DS/IS); undefined unless every value parses. */
  numbers(tag: string, name: string): number[] | undefined {
    const values = this.strings(tag);
    if (values === undefined) return undefined;
    const parsed = values.map(parseDecimal);
    if (parsed.some((v) => v === undefined)) {
      this.warn(`${name} ${tagLabel(tag)} has an unreadable value "${values.join('\\')}" and was ignored.`);
      return undefined;
    }
    return parsed as number[];
  }

  number(tag: string, name: string): number | undefined {
    return this.numbers(tag, name)?.[0];
  }

  /** Fixed-length numbers, checked for count. */
  vector<N extends number>(tag: string, name: string, count: N): number[] | undefined {
    const v = this.numbers(tag, name);
    if (v === undefined) return undefined;
    if (v.length !== count) {
      this.warn(`${name} ${tagLabel(tag)} has ${v.length} values where ${count} are required and was ignored.`);
      return undefined;
    }
    return v;
  }

  uint16(tag: string): number | undefined {
    const el = this.element(tag);
    if (!el || el.length < 2) return undefined;
    return this.dataSet.byteArrayParser.readUint16(this.dataSet.byteArray, el.dataOffset);
  }

  /** Binary floats (FD) or, where encoders used the wrong VR, a numeric string. */
  float64s(tag: string, name: string): number[] | undefined {
    const el = this.element(tag);
    if (!el || el.length === 0) return undefined;
    if (el.vr === 'FD' && el.length % 8 === 0) {
      const out: number[] = [];
      for (let at = el.dataOffset; at < el.dataOffset + el.length; at += 8) {
        out.push(this.dataSet.byteArrayParser.readDouble(this.dataSet.byteArray, at));
      }
      return out;
    }
    return this.numbers(tag, name);
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }
}

/** Strict decimal parse: "1A", "", "NaN" give undefined (Number() would accept "" and parseFloat "1A"). */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}
