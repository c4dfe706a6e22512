package org.bottleneck.apps;

import java.nio.file.Path;
import java.util.function.BiConsumer;
import org.bottleneck.data.DecodedImage;
import org.bottleneck.data.ImageDecoder;
import org.bottleneck.data.transform.FixedMask;
import org.bottleneck.data.transform.Luma;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Model;
import org.bottleneck.viz.ImageFile;

/**
 * Applies an image application's model to one user image of any size, tiled ({@link Tiling}):
 * the model runs on tiles of its training size that overlap by twice a margin of a quarter
 * tile, each output pixel coming from the centre of a tile, the border mirrored. The image is
 * the task's input as a user has it — a noisy photo, a small one (the output is f times
 * larger), a colour or grey photo to colorize (its luma is used), or a photo with a hole given
 * by a mask PNG of the same size (white = missing).
 */
public final class ImageApply {
    /** Tiles per model call. */
    static final int BATCH = 64;

    private ImageApply() {
    }

    /** What was written: the output's size and the number of tiles. */
    public record Result(int channels, int height, int width, int tiles) {
    }

    /**
     * @param pipeline the checkpoint's stored pipeline (it says the factor and the hole's marking)
     * @param mask     the hole for {@link ImageTask#INPAINT} (required there), else null
     */
    public static Result apply(Model model, ImageTask task, Pipeline pipeline, Path image, Path mask, Path out,
                               BiConsumer<Integer, Integer> progress) {
        int[] in = model.inputShape().dims(), outDims = model.outputShape().dims();
        if (in.length != 3 || outDims.length != 3) {
            throw new IllegalArgumentException("model '" + model.architecture().name() + "' does not map images to images");
        }
        boolean marked = task == ImageTask.INPAINT && ImageTask.marked(pipeline);
        int imageChannels = task == ImageTask.COLORIZE ? 3 : task == ImageTask.INPAINT ? outDims[0] : in[0];
        DecodedImage img = ImageDecoder.read(image, imageChannels);
        int c = img.channels(), h = img.height(), w = img.width(), plane = h * w;
        float[] pixels = new float[c * plane];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (img.chw()[i] & 0xFF) / 255f;
        }
        float[] hole = null;
        float[] input = pixels;
        if (task == ImageTask.COLORIZE) {
            input = new float[plane];
            Luma.of(pixels, plane, input); // as the pipeline's luma transform
        } else if (task == ImageTask.INPAINT) {
            if (mask == null) {
                throw new IllegalArgumentException("inpaint --image needs --mask PNG (white = the pixels to fill), of the "
                        + "image's size " + w + "x" + h);
            }
            FixedMask m = FixedMask.read(mask, true, marked);
            if (m.height() != h || m.width() != w) {
                throw new IllegalArgumentException("mask " + mask + " is " + m.width() + "x" + m.height() + ", the image "
                        + image + " is " + w + "x" + h + "; draw the mask at the image's size");
            }
            hole = m.plane();
            input = new float[(c + (marked ? 1 : 0)) * plane];
            for (int p = 0; p < plane; p++) {
                for (int ch = 0; ch < c; ch++) {
                    input[ch * plane + p] = hole[p] > 0 ? 0f : pixels[ch * plane + p];
                }
                if (marked) {
                    input[c * plane + p] = hole[p];
                }
            }
        }
        int f = task.factor(pipeline);
        int margin = Math.min(in[1], in[2]) / 4;
        Tiling.Geometry g = new Tiling.Geometry(in[0], in[1], in[2], outDims[0], f, margin);
        if (input.length != (long) in[0] * plane) {
            throw new IllegalArgumentException("image " + image + " gives " + input.length / plane + " input channels, the model "
                    + "takes " + in[0]);
        }
        Codec codec = new Codec(model);
        float[] y = Tiling.apply(input, h, w, g, BATCH, codec::reconstruct, progress);
        int oh = f * h, ow = f * w;
        float[] result = RestorationReport.ours(y, task == ImageTask.COLORIZE ? input : pixels, hole,
                task == ImageTask.COLORIZE, oh, ow);
        ImageFile.writePng(out, result, outDims[0], oh, ow);
        int sy = in[1] - 2 * margin, sx = in[2] - 2 * margin;
        return new Result(outDims[0], oh, ow, ((h + sy - 1) / sy) * ((w + sx - 1) / sx));
    }
}
