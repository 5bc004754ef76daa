/** Public input and output types shared by every function. */

/** A nested array of numbers, any depth (rectangular). */
export type NestedNumbers = number | readonly NestedNumbers[];

/** Integer typed arrays: accepted as input, promoted to float64 output (never truncated). */
export type IntegerTypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** Float typed arrays: the output keeps the input's precision. */
export type FloatTypedArray = Float32Array | Float64Array;

/** Any numeric typed array we accept. */
export type NumericTypedArray = FloatTypedArray | IntegerTypedArray;

/** A tensor-like `{ data, shape }` (TensorFlow.js style) or `{ data, dims }` (ONNX Runtime style). */
export interface TensorLike {
  data: NumericTypedArray | readonly number[];
  shape?: readonly number[];
  dims?: readonly number[];
}

/** The tensor-like that functions return: `dims` is set too when the input used `dims`. */
export interface Tensor<D extends FloatTypedArray = FloatTypedArray> {
  data: D;
  shape: number[];
  dims?: number[];
}

/** Everything a function accepts as logits. */
export type Logits = readonly NestedNumbers[] | NumericTypedArray | TensorLike;

/** The output that corresponds to an input kind (same kind, same shape). */
export type SameKind<X> = X extends Float32Array
  ? Float32Array
  : X extends NumericTypedArray
    ? Float64Array
    : X extends TensorLike
      ? Tensor
      : X extends readonly number[]
        ? number[]
        : X extends readonly (readonly number[])[]
          ? number[][]
          : X extends readonly (readonly (readonly number[])[])[]
            ? number[][][]
            : NestedNumbers[];

/** A boolean mask: `true` (or non-zero) keeps an entry, `false` masks it out. Same shape as the input. */
export type Mask =
  | readonly NestedBooleans[]
  | Uint8Array
  | readonly boolean[]
  | { data: ArrayLike<number | boolean>; shape?: readonly number[]; dims?: readonly number[] };
/** A nested array of booleans (or 0/1 numbers). */
export type NestedBooleans = boolean | number | readonly NestedBooleans[];

/** What a slice that is entirely -Infinity or entirely masked gives. */
export type FullyMaskedPolicy = "zeros" | "nan" | "error";
