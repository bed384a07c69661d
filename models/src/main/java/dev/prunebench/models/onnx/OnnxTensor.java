package dev.prunebench.models.onnx;

import java.util.Arrays;

/**
 * One tensor of an ONNX model: an initializer, a {@code Constant} node's value or a {@code sparse_initializer} made
 * dense. Floating-point types (float, double, float16, bfloat16) are held as float32 ({@link #floats}); integer types
 * as {@link #ints}. Types the suite does not read (strings, complex, 8-bit floats, 4-bit ints) hold neither and name
 * themselves in {@link #unsupported}.
 *
 * @param name        the name the graph uses for it (a Constant's output name)
 * @param dataType    ONNX's data type code
 * @param dims        the shape
 * @param floats      the values of a floating-point tensor, row-major, else null
 * @param ints        the values of an integer or bool tensor, else null
 * @param origin      where it came from: {@code initializer}, {@code Constant node 'n'}, {@code sparse_initializer},
 *                    with {@code external data 'file'} appended when it was read from a file next to the model
 * @param unsupported null when the values were read; else why not
 */
public record OnnxTensor(String name, int dataType, long[] dims, float[] floats, long[] ints, String origin, String unsupported) {

    public static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8, BOOL = 9,
            FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13, COMPLEX64 = 14, COMPLEX128 = 15, BFLOAT16 = 16;
    /** The largest data type code ONNX defines (FLOAT4E2M1 = 23); a larger one is not an ONNX type. */
    public static final int MAX_TYPE = 23;

    public static String typeName(int t) {
        return switch (t) {
            case FLOAT -> "float"; case UINT8 -> "uint8"; case INT8 -> "int8"; case UINT16 -> "uint16"; case INT16 -> "int16";
            case INT32 -> "int32"; case INT64 -> "int64"; case STRING -> "string"; case BOOL -> "bool"; case FLOAT16 -> "float16";
            case DOUBLE -> "double"; case UINT32 -> "uint32"; case UINT64 -> "uint64"; case COMPLEX64 -> "complex64";
            case COMPLEX128 -> "complex128"; case BFLOAT16 -> "bfloat16"; case 17 -> "float8e4m3fn"; case 18 -> "float8e4m3fnuz";
            case 19 -> "float8e5m2"; case 20 -> "float8e5m2fnuz"; case 21 -> "uint4"; case 22 -> "int4"; case 23 -> "float4e2m1";
            default -> "type " + t;
        };
    }

    /** Bytes per element in raw_data, or 0 for types without a fixed width here. */
    public static int elementBytes(int t) {
        return switch (t) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64, COMPLEX64 -> 8;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL, 17, 18, 19, 20 -> 1;
            case COMPLEX128 -> 16;
            default -> 0;
        };
    }

    public static boolean isFloat(int t) { return t == FLOAT || t == DOUBLE || t == FLOAT16 || t == BFLOAT16; }

    public long elements() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** The float values, or an error naming the tensor when it is not a floating-point tensor the suite reads. */
    public float[] requireFloats(String file) {
        if (floats != null) return floats;
        throw new IllegalArgumentException(file + ": " + origin + " '" + name + "': "
                + (unsupported != null ? unsupported : "data type " + typeName(dataType) + " is not floating point; a weight must be float, double, float16 or bfloat16"));
    }

    public String shape() { return Arrays.toString(dims); }

    @Override public String toString() { return name + " " + typeName(dataType) + shape() + " (" + origin + ")"; }
}
