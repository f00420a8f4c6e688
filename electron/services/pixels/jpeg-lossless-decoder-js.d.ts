// The package ships no type declarations; this is the part of its Decoder we use.
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    numComp: number;
    xDim: number;
    yDim: number;
    precision: number | undefined;
    decode(buffer?: ArrayBuffer, offset?: number, length?: number, numBytes?: number): Uint8Array | Uint16Array;
  }
}
