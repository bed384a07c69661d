package dev.prunebench.models.onnx;

import java.util.List;
import java.util.Map;

/**
 * One node of an ONNX graph.
 *
 * @param index      its position in the graph's node list
 * @param name       its name (may be empty in a file; then {@code op_type#index})
 * @param opType     the operator
 * @param domain     the operator set domain ("" for the default ONNX domain)
 * @param inputs     input names ("" for an omitted optional input)
 * @param outputs    output names
 * @param attributes by name
 */
public record OnnxNode(int index, String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, Attribute> attributes) {

    /** One attribute; only the fields of its type are set. */
    public record Attribute(String name, int type, float f, long i, String s, float[] floats, long[] ints, OnnxTensor t) {
        public static final int FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7, STRINGS = 8;
    }

    public String input(int k) { return k < inputs.size() ? inputs.get(k) : ""; }

    public long intAttr(String n, long dflt) {
        Attribute a = attributes.get(n);
        return a == null ? dflt : a.i();
    }

    public float floatAttr(String n, float dflt) {
        Attribute a = attributes.get(n);
        return a == null ? dflt : a.f();
    }

    public String stringAttr(String n, String dflt) {
        Attribute a = attributes.get(n);
        return a == null || a.s() == null ? dflt : a.s();
    }

    /** An INTS attribute, or {@code dflt} when absent. */
    public long[] intsAttr(String n, long[] dflt) {
        Attribute a = attributes.get(n);
        return a == null || a.ints() == null ? dflt : a.ints();
    }

    /** How errors name it: {@code node 'conv1' (Conv)}. */
    public String describe() { return "node '" + name + "' (" + opType + ")"; }
}
