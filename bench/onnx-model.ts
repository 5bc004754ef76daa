/**
 * A one-node ONNX model (Softmax or LogSoftmax along one axis of a float
 * input of a given rank, dimensions symbolic), hand-encoded as protobuf bytes so the benchmark needs no
 * model file and no ONNX tooling. Field numbers from onnx/onnx.proto3:
 * ModelProto{ir_version=1, opset_import=8, graph=7}, GraphProto{node=1,
 * name=2, input=11, output=12}, NodeProto{input=1, output=2, op_type=4,
 * attribute=5}, AttributeProto{name=1, i=3, type=20 (INT=2)},
 * ValueInfoProto{name=1, type=2}, TypeProto{tensor_type=1},
 * Tensor{elem_type=1 (FLOAT=1), shape=2}, TensorShapeProto{dim=1},
 * Dimension{dim_param=2}, OperatorSetIdProto{domain=1, version=2}.
 */
const enc = new TextEncoder();

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}
const field = (no: number, bytes: number[]): number[] => [...varint((no << 3) | 2), ...varint(bytes.length), ...bytes];
const str = (no: number, s: string): number[] => field(no, [...enc.encode(s)]);
const int = (no: number, v: number): number[] => [...varint(no << 3), ...varint(v)];

function valueInfo(name: string, rank: number): number[] {
  const dims = Array.from({ length: rank }, (_, i) => field(1, str(2, `d${i}`))).flat();
  const tensor = [...int(1, 1), ...field(2, dims)];
  return [...str(1, name), ...field(2, field(1, tensor))];
}

/** The model bytes for `op` ("Softmax" or "LogSoftmax") on a rank-`rank` input along `axis`, opset 13 (any axis). */
export function onnxModel(op: "Softmax" | "LogSoftmax", rank = 2, axis = -1): Uint8Array {
  const attr = [...str(1, "axis"), ...int(3, axis), ...int(20, 2)];
  const node = [...str(1, "x"), ...str(2, "y"), ...str(4, op), ...field(5, attr)];
  const graph = [...field(1, node), ...str(2, "g"), ...field(11, valueInfo("x", rank)), ...field(12, valueInfo("y", rank))];
  const opset = [...str(1, ""), ...int(2, 13)];
  return new Uint8Array([...int(1, 8), ...field(8, opset), ...field(7, graph)]);
}
