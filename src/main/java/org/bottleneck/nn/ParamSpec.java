package org.bottleneck.nn;

import org.bottleneck.tensor.Shape;

/** A parameter a layer declares: its name relative to the layer and its shape (PyTorch order). */
public record ParamSpec(String name, Shape shape) {
}
