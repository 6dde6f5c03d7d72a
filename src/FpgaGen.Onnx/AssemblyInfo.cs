using System.Runtime.CompilerServices;

// The tests read ONNX test-data tensors (TensorProto files) with the internal reader.
[assembly: InternalsVisibleTo("FpgaGen.Tests")]
