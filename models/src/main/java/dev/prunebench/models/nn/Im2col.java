package dev.prunebench.models.nn;

/**
 * The project's im2col: the patches of one image as the columns of a matrix, so that a convolution is the product
 * {@code W · X} with W the {@code out × (channels·k·k)} weight matrix (columns: channel, kernel row, kernel column —
 * OIHW flattened).
 *
 * <p>X's row {@code (c, ky, kx)}, column {@code (oy, ox)} of the image holds {@code in[c][oy + ky − pad][ox + kx − pad]}
 * (0 outside the image), stride 1, {@code oh = inH + 2·pad − k + 1} and {@code ow} alike. Where the image sits in
 * {@code in} (a channel's plane every {@code channelStride} floats: CHW, NCHW and CNHW batches alike) and where its
 * columns sit in X (a row every {@code rowStride} floats: one image, or one of a batch's column blocks) are the
 * caller's. Every element of the image's block is written (zeros included), so X need not be cleared.
 */
public final class Im2col {
    private Im2col() {}

    /** Rows shorter than this are copied by a loop: System.arraycopy's call costs more than a few floats (LeNet-5's conv2 has ow = 8). */
    private static final int ARRAYCOPY_FROM = 32;

    /**
     * Writes one image's patches.
     *
     * @param in            the input
     * @param offset        where channel 0 of the image starts in {@code in}
     * @param channelStride floats from one channel's plane of the image to the next's
     * @param out           X
     * @param outOffset     where the image's column block starts in row 0 of X
     * @param rowStride     floats from one row of X to the next
     */
    public static void image(float[] in, int offset, int channelStride, int channels, int inH, int inW, int k, int pad,
                             float[] out, int outOffset, int rowStride) {
        int oh = inH + 2 * pad - k + 1, ow = inW + 2 * pad - k + 1;
        if (oh < 1 || ow < 1) throw new IllegalArgumentException("im2col: a " + k + "×" + k + " window does not fit " + inH + "×" + inW + " with pad " + pad);
        for (int c = 0; c < channels; c++)
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++) {
                    int row = outOffset + ((c * k + ky) * k + kx) * rowStride;
                    // the columns ox whose source x = ox + kx − pad is inside the image
                    int from = Math.max(0, pad - kx), to = Math.min(ow, inW + pad - kx);
                    for (int oy = 0; oy < oh; oy++) {
                        int sy = oy + ky - pad, d0 = row + oy * ow;
                        if (sy < 0 || sy >= inH || from >= to) {
                            for (int ox = 0; ox < ow; ox++) out[d0 + ox] = 0;
                            continue;
                        }
                        for (int ox = 0; ox < from; ox++) out[d0 + ox] = 0;
                        int s0 = offset + c * channelStride + sy * inW + kx - pad;
                        if (to - from >= ARRAYCOPY_FROM) System.arraycopy(in, s0 + from, out, d0 + from, to - from);
                        else for (int ox = from; ox < to; ox++) out[d0 + ox] = in[s0 + ox];
                        for (int ox = to; ox < ow; ox++) out[d0 + ox] = 0;
                    }
                }
    }
}
