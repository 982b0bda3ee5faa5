/**
 * "Show as code": short PyTorch and NumPy programs that reproduce the page's numbers, so an
 * engineer can set them beside their own code. Both work in float64, as the API does.
 */

/**
 * @typedef {import("./conv-model.js").ConvModel} ConvModel
 */

/** @param {any} value nested numbers @returns {string} a Python literal */
function literal(value) {
  return JSON.stringify(value).replace(/,/g, ", ");
}

/** @param {ConvModel} model */
function shapes(model) {
  const [nh, nw] = [model.arrays.input[0].length, model.arrays.input[0][0].length];
  const [kh, kw] = model.kernelSize;
  return { nh, nw, kh, kw, cIn: model.cIn, cOut: model.cOut };
}

const TORCH_LOSSES = {
  mse: "L = F.mse_loss(O, T)",
  half_sse: "L = 0.5 * ((O - T) ** 2).sum()",
  cross_entropy: "L = -(T * F.log_softmax(O.flatten(), dim=0).view_as(O)).sum()",
  bce: "L = F.binary_cross_entropy_with_logits(O, T)",
};

/**
 * PyTorch: autograd does the backward pass; the names match the page (I, K for F, b, O).
 * @param {ConvModel} model
 * @returns {string}
 */
export function torchSnippet(model) {
  const { nh, nw, kh, kw, cIn, cOut } = shapes(model);
  const { body } = model;
  const [top, bottom, left, right] = model.padding;
  const lines = [
    "import torch",
    "import torch.nn.functional as F",
    "",
    "f64 = dict(dtype=torch.float64)",
    `I = torch.tensor(${literal(body.input)}, **f64).reshape(1, ${cIn}, ${nh}, ${nw}).requires_grad_()`,
    `K = torch.tensor(${literal(body.kernel)}, **f64).reshape(${cOut}, ${cIn}, ${kh}, ${kw}).requires_grad_()`,
  ];
  const hasBias = model.arrays.bias !== undefined;
  if (hasBias) lines.push(`b = torch.tensor(${literal(model.arrays.bias)}, **f64).requires_grad_()`);
  lines.push("");
  const kernel = model.mode === "convolution" ? "K.flip(-2, -1)" : "K";
  const padded = model.padded ? `F.pad(I, (${left}, ${right}, ${top}, ${bottom}))` : "I";
  if (model.mode === "convolution") lines.push("# mode=convolution: the kernel is flipped by 180° before it slides (eq. 9.4)");
  lines.push(
    `O = F.conv2d(${padded}, ${kernel}, ${hasBias ? "b" : "None"}, stride=(${model.stride.join(", ")}), dilation=(${model.dilation.join(", ")}))  # eq. 9.5`,
  );
  const source = model.data.grad_output_source;
  if (source === "loss") {
    lines.push(`T = torch.tensor(${literal(body.target)}, **f64).reshape_as(O)`, TORCH_LOSSES[model.data.loss_name], "L.backward()");
  } else if (source === "given") {
    lines.push(`dL_dO = torch.tensor(${literal(body.grad_output)}, **f64).reshape_as(O)`, "O.backward(dL_dO)");
  } else {
    lines.push("O.backward(torch.ones_like(O))  # ∂L/∂O = 1 everywhere");
  }
  lines.push(
    "",
    'print("O =", O[0].detach())',
    'print("dL/dF =", K.grad)  # eq. 9.8',
    'print("dL/dI =", I.grad[0])  # eq. 9.9',
  );
  if (hasBias) lines.push('print("dL/db =", b.grad)');
  if (model.learningRate !== null) {
    lines.push(`lr = ${model.learningRate}`, 'print("F - lr * dL/dF =", (K - lr * K.grad).detach())');
    if (hasBias) lines.push('print("b - lr * dL/db =", (b - lr * b.grad).detach())');
  }
  return `${lines.join("\n")}\n`;
}

const NUMPY_LOSSES = {
  mse: ["L = np.mean((O - T) ** 2)", "G = 2 * (O - T) / O.size"],
  half_sse: ["L = 0.5 * np.sum((O - T) ** 2)", "G = O - T"],
  cross_entropy: ["S = np.exp(O - O.max()); S /= S.sum()  # softmax over every cell", "L = -np.sum(T * np.log(S))", "G = S * T.sum() - T"],
  bce: ["S = 1 / (1 + np.exp(-O))  # sigmoid", "L = np.mean(np.maximum(O, 0) - O * T + np.log1p(np.exp(-np.abs(O))))", "G = (S - T) / O.size"],
};

/**
 * NumPy: the chapter's steps written out (pad, slide, upsample, eq. 9.8, rotate, full convolution, crop).
 * @param {ConvModel} model
 * @returns {string}
 */
export function numpySnippet(model) {
  const { nh, nw, kh, kw, cIn, cOut } = shapes(model);
  const { body } = model;
  const [top, bottom, left, right] = model.padding;
  const [dh, dw] = model.dilation;
  const lines = [
    "import numpy as np",
    "from numpy.lib.stride_tricks import sliding_window_view as windows",
    "",
    `I = np.array(${literal(body.input)}, dtype=float).reshape(${cIn}, ${nh}, ${nw})`,
    `K = np.array(${literal(body.kernel)}, dtype=float).reshape(${cOut}, ${cIn}, ${kh}, ${kw})`,
    `b = np.array(${literal(model.arrays.bias ?? new Array(cOut).fill(0))}, dtype=float)`,
    `(sh, sw), (dh, dw) = (${model.stride.join(", ")}), (${dh}, ${dw})`,
    "",
    "# Forward (eq. 9.5): pad with zeros, then slide the kernel with the stride.",
    `P = np.pad(I, ((0, 0), (${top}, ${bottom}), (${left}, ${right})))`,
    `Kf = K${model.mode === "convolution" ? "[:, :, ::-1, ::-1]  # convolution flips the kernel (eq. 9.4)" : ""}`,
    "D = np.zeros((*K.shape[:2], dh * (K.shape[2] - 1) + 1, dw * (K.shape[3] - 1) + 1))",
    "D[:, :, ::dh, ::dw] = Kf  # the kernel as it slides (dilation spreads it out)",
    "kh, kw = D.shape[2:]",
    "O = np.einsum('cijuv,ocuv->oij', windows(P, (kh, kw), axis=(1, 2))[:, ::sh, ::sw], D) + b[:, None, None]",
    "",
  ];
  const source = model.data.grad_output_source;
  if (source === "loss") lines.push(`T = np.array(${literal(body.target)}, dtype=float).reshape(O.shape)`, ...NUMPY_LOSSES[model.data.loss_name]);
  else if (source === "given") lines.push(`G = np.array(${literal(body.grad_output)}, dtype=float).reshape(O.shape)  # ∂L/∂O`);
  else lines.push("G = np.ones_like(O)  # ∂L/∂O = 1 everywhere");
  lines.push(
    "",
    "# Upsample ∂L/∂O by the stride: s - 1 zeros between neighbours, zero fill to the stride-1 size.",
    "U = np.zeros((O.shape[0], P.shape[1] - kh + 1, P.shape[2] - kw + 1))",
    "U[:, ::sh, ::sw] = G",
    "# eq. 9.8: the upsampled gradient slides over the padded input.",
    "dD = np.einsum('cuvij,oij->ocuv', windows(P, U.shape[1:], axis=(1, 2)), U)",
    `dK = dD[:, :, ::dh, ::dw]${model.mode === "convolution" ? "[:, :, ::-1, ::-1]" : ""}`,
    "db = G.sum(axis=(1, 2))",
    "# eq. 9.9: full convolution with the kernel rotated by 180°, then crop the padding.",
    "R = D[:, :, ::-1, ::-1]",
    "Up = np.pad(U, ((0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))",
    "dP = np.einsum('oijuv,ocuv->cij', windows(Up, (kh, kw), axis=(1, 2)), R)",
    `dI = dP[:, ${top}:dP.shape[1] - ${bottom}, ${left}:dP.shape[2] - ${right}]`,
    "",
    'print("O =", O)',
    'print("dL/dF =", dK)',
    'print("dL/dI =", dI)',
    'print("dL/db =", db)',
  );
  if (model.learningRate !== null) lines.push(`lr = ${model.learningRate}`, 'print("F - lr * dL/dF =", K - lr * dK)', 'print("b - lr * dL/db =", b - lr * db)');
  return `${lines.join("\n")}\n`;
}
