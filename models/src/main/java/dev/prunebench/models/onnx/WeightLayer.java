package dev.prunebench.models.onnx;

import dev.prunebench.core.prune.Mask;

/**
 * One layer of an ONNX model that carries a weight matrix, as the suite sees it: rows = outputs (neurons, output
 * channels), cols = inputs per output.
 *
 * <ul>
 *   <li>{@code Gemm} / {@code MatMul} with a constant operand: a fully connected layer. Gemm's B is {@code N × K}
 *       when {@code transB = 1} (PyTorch's Linear) and is the matrix itself; with {@code transB = 0}, and for MatMul's
 *       {@code K × N} B, the matrix is B's transpose ({@link #transposed}).</li>
 *   <li>{@code Conv}: weights {@code O × I/g × kh × kw} become the {@code O × (I/g·kh·kw)} matrix in their own
 *       (OIHW) order. A grouped conv is g independent products of {@code O/g} rows each, stored as one matrix; a
 *       depthwise conv (g = I = O) is an {@code O × kh·kw} matrix. A BatchNormalization that follows the conv is
 *       folded into the matrix ({@link #foldedBatchNorm}): the layer is pruned and measured on the folded weights,
 *       while the file keeps its unfolded tensor, written back with the pruned positions set to zero.</li>
 * </ul>
 *
 * @param name            the node's name (unique in the graph)
 * @param op              Gemm, MatMul or Conv
 * @param node            the node
 * @param tensor          the weight tensor as stored in the file
 * @param rows            matrix rows
 * @param cols            matrix columns
 * @param matrix          rows × cols row-major, BatchNorm folded in
 * @param transposed      the matrix is the tensor's transpose
 * @param conv            the conv geometry, null for FC layers
 * @param macs            multiply-accumulates for one pass at the analysed input shape; −1 when the input shape is
 *                        not known
 * @param biasElements    elements of the bias (Gemm's C, Conv's B, a following Add of a constant), 0 without
 * @param foldedBatchNorm the name of the BatchNormalization node folded in, or null
 * @param inputShape      the shape of the layer's input at the analysed shape, or null when unknown
 */
public record WeightLayer(String name, String op, OnnxNode node, OnnxTensor tensor, int rows, int cols, float[] matrix, boolean transposed,
                          Conv conv, long macs, long biasElements, String foldedBatchNorm, long[] inputShape) {

    /** A conv's geometry; pads are begin/end for height and width. */
    public record Conv(int inChannels, int outChannels, int groups, int kh, int kw, int strideH, int strideW,
                       int padTop, int padLeft, int padBottom, int padRight, int dilationH, int dilationW, int outH, int outW) {
        public boolean depthwise() { return groups > 1 && groups == inChannels && groups == outChannels; }
    }

    public long parameters() { return (long) rows * cols + biasElements; }

    /** Zeros in the weight tensor as stored (exact zeros). */
    public long zerosInFile() {
        long z = 0;
        for (float v : tensor.floats()) if (v == 0f) z++;
        return z;
    }

    /** The tensor's own values with the weights {@code mask} removes set to zero, in the tensor's layout. */
    public float[] prunedTensor(Mask mask) {
        if (mask.rows() != rows || mask.cols() != cols)
            throw new IllegalArgumentException("layer " + name + ": mask " + mask.rows() + "x" + mask.cols() + ", layer is " + rows + "x" + cols);
        float[] t = tensor.floats().clone();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                if (!mask.keepAt(r * cols + c)) t[transposed ? c * rows + r : r * cols + c] = 0f;
        return t;
    }

    /** A short form of the shape: {@code 300x784} or {@code conv 16x3x3x3 /g2 s2 p1}. */
    public String shape() {
        if (conv == null) return rows + "x" + cols + (transposed ? " (B^T)" : "");
        StringBuilder s = new StringBuilder();
        s.append(conv.outChannels()).append('x').append(conv.inChannels() / conv.groups()).append('x').append(conv.kh()).append('x').append(conv.kw());
        if (conv.groups() > 1) s.append(conv.depthwise() ? " dw" : " g" + conv.groups());
        if (conv.strideH() != 1 || conv.strideW() != 1) s.append(" s").append(conv.strideH() == conv.strideW() ? "" + conv.strideH() : conv.strideH() + "," + conv.strideW());
        if (conv.padTop() + conv.padLeft() + conv.padBottom() + conv.padRight() > 0) s.append(" p").append(conv.padTop());
        if (conv.dilationH() != 1 || conv.dilationW() != 1) s.append(" d").append(conv.dilationH());
        return s.toString();
    }
}
