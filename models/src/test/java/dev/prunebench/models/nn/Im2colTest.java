package dev.prunebench.models.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Im2colTest {

    /** The definition, element by element. */
    static float at(float[] in, int c, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0 : in[(c * h + y) * w + x];
    }

    @Test
    void everyElementIsThePixelUnderTheWindowOrZeroInThePadding() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int[] s : new int[][] {{1, 5, 5, 3, 0}, {2, 6, 40, 3, 1}, {3, 7, 4, 1, 0}, {2, 9, 9, 5, 2}, {1, 3, 3, 3, 1}, {2, 4, 36, 2, 0}}) {
            int c = s[0], h = s[1], w = s[2], k = s[3], pad = s[4], oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
            float[] in = new float[c * h * w];
            for (int i = 0; i < in.length; i++) in[i] = (float) rnd.nextDouble(-1, 1);
            float[] out = new float[c * k * k * oh * ow + 5];
            Arrays.fill(out, Float.NaN); // every element of the block is written
            Im2col.image(in, 0, h * w, c, h, w, k, pad, out, 0, oh * ow);
            for (int ch = 0; ch < c; ch++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                        for (int oy = 0; oy < oh; oy++)
                            for (int ox = 0; ox < ow; ox++)
                                assertThat(out[((ch * k + ky) * k + kx) * oh * ow + oy * ow + ox]).as("shape %s", Arrays.toString(s))
                                        .isEqualTo(at(in, ch, h, w, oy + ky - pad, ox + kx - pad));
            assertThat(Arrays.copyOfRange(out, out.length - 5, out.length)).containsOnly(Float.NaN); // nothing beyond it
        }
    }

    @Test
    void aBatchIsItsImagesColumnBlocksWhateverTheInputLayout() {
        int batch = 3, c = 2, h = 5, w = 4, k = 2, p = 4 * 3, bp = batch * p, plane = h * w;
        float[] nchw = new float[batch * c * plane], cnhw = new float[nchw.length];
        for (int n = 0; n < batch; n++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < plane; i++) nchw[(n * c + ch) * plane + i] = cnhw[(ch * batch + n) * plane + i] = n * 100 + ch * 10 + i;
        float[] a = new float[c * k * k * bp], b = new float[a.length];
        for (int n = 0; n < batch; n++) {
            Im2col.image(nchw, n * c * plane, plane, c, h, w, k, 0, a, n * p, bp);
            Im2col.image(cnhw, n * plane, batch * plane, c, h, w, k, 0, b, n * p, bp);
        }
        assertThat(b).containsExactly(a);
        assertThat(a[2 * p]).isEqualTo(200); // row (0, 0, 0), image 2, pixel (0, 0)
    }

    @Test
    void aWindowLargerThanThePaddedImageIsRefused() {
        assertThatThrownBy(() -> Im2col.image(new float[4], 0, 4, 1, 2, 2, 3, 0, new float[9], 0, 1))
                .hasMessage("im2col: a 3×3 window does not fit 2×2 with pad 0");
    }
}
