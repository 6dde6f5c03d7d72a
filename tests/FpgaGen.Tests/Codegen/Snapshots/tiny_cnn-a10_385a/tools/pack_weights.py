#!/usr/bin/env python3
"""Packs a network's float weights into weights.bin as the project's weights.json describes (FpgaGen).

    python3 tools/pack_weights.py weights.json model.npz -o weights.bin [--calibration ranges.json]

model.npz holds one float array per learned tensor, named "<layer>.<param>" as in PyTorch (for example
numpy.savez("model.npz", **{k: v.numpy() for k, v in state_dict.items()}) with the layer names of the design):
conv/linear/patch_embed "weight" and "bias"; batchnorm "weight", "bias", "running_mean", "running_var";
layernorm "weight", "bias" (with stored statistics also "running_mean", "running_var"); attention "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias";
class_token "weight" [D]; pos_embed "weight" [T, D].

Fixed-point designs (int8, int16) also need --calibration: a JSON object giving the largest absolute value of every
tensor named in weights.json ("input", layer names, and "attention/qkv", "/scores" (before the 1/sqrt(d) scale),
"/probs", "/context"), measured on representative inputs. Batch norms are folded into the convolution before them and
LayerNorms into the linear layer after them where the design says so (with stored statistics: W' = W * gamma/sqrt(var + eps)
per input feature, b' = b + W (beta - gamma * mean/sqrt(var + eps))). The arithmetic (double precision, rounding with
floor(v + 0.5), float32 at the end) matches FpgaGen's own packer byte for byte. Needs only the Python standard library.
"""
import argparse
import ast
import json
import math
import struct
import sys
import zipfile
from array import array

QMAX = {"int8": 127, "int16": 32767}


def read_npy(data, name):
    """The values of a C-ordered .npy array of float32/float64/float16 as a list of floats."""
    if data[:6] != b"\x93NUMPY":
        raise SystemExit(f"error: {name} is not a .npy array")
    if data[6] == 1:
        length, start = struct.unpack("<H", data[8:10])[0], 10
    else:
        length, start = struct.unpack("<I", data[8:12])[0], 12
    header = ast.literal_eval(data[start:start + length].decode("latin1"))
    shape = header["shape"]
    if header.get("fortran_order") and len(shape) > 1:
        raise SystemExit(f"error: {name} is in Fortran order; save it C-ordered")
    count = 1
    for d in shape:
        count *= d
    codes = {"<f4": "f", "<f8": "d", "<f2": "e", "=f4": "f", "=f8": "d", "=f2": "e"}
    code = codes.get(header["descr"])
    if code is None:
        raise SystemExit(f"error: {name} has dtype {header['descr']}; expected little-endian float16/32/64")
    body = data[start + length:]
    if code == "e":
        return [v[0] for v in struct.iter_unpack("<e", body[:2 * count])]
    values = array(code)
    values.frombytes(body[:values.itemsize * count])
    if sys.byteorder != "little":
        values.byteswap()
    return list(values)


def read_npz(path):
    tensors = {}
    with zipfile.ZipFile(path) as z:
        for entry in z.namelist():
            key = entry[:-4] if entry.endswith(".npy") else entry
            tensors[key] = read_npy(z.read(entry), entry)
    return tensors


def arrange(section, values):
    """A weight tensor in PyTorch order [O, I, KH, KW] in the section's order: with "tile" per engine tile
    (arrange_tiled); with "channel_run" channels innermost, each (output, tap) run of I channels padded with zeros to
    channel_run elements (a linear layer reading a flattened H x W x C map has shape [O, C, H, W] and channel_run C:
    its features pixel by pixel)."""
    tile = section.get("tile")
    if tile:
        return arrange_tiled(section, tile, values)
    run = section.get("channel_run", 0)
    if not run:
        return values
    outputs, channels, taps = section["shape"][0], section["shape"][1], section["shape"][2] * section["shape"][3]
    stored = [0.0] * section["count"]
    for o in range(outputs):
        for i in range(channels):
            for t in range(taps):
                stored[(o * taps + t) * run + i] = values[(o * channels + i) * taps + t]
    return stored


def arrange_tiled(section, tile, values):
    """Weights stored per engine tile: per group, output-channel tile, input-channel tile and tap a block of "block"
    elements holding the tile's "outputs" lanes' "inputs" weights each, lane by lane, zeros after them. A linear layer
    after a flatten of an H x W x C map ("pixel_major" C, shape [O, C, H, W]) reduces feature (i mod C, pixel i / C)."""
    shape = section["shape"]
    lanes, width, block, groups, pc = tile["outputs"], tile["inputs"], tile["block"], tile["groups"], tile.get("pixel_major", 0)
    outputs = shape[0] // groups
    pixels = shape[2] * shape[3] if len(shape) == 4 else 1
    channels, taps = (shape[1] * pixels, 1) if pc else (shape[1], pixels)
    o_tile = -(-channels // width) * taps * block
    g_stride = -(-outputs // lanes) * o_tile
    stored = [0.0] * section["count"]
    for g in range(groups):
        for o in range(outputs):
            go = g * outputs + o
            lane = g * g_stride + o // lanes * o_tile + o % lanes * width
            if pc:
                for i in range(channels):
                    stored[lane + i // width * block + i % width] = values[(go * pc + i % pc) * pixels + i // pc]
                continue
            # A lane's channels of one channel tile and tap are consecutive in the block: one slice each.
            for i0 in range(0, channels, width):
                n = min(width, channels - i0)
                for t in range(taps):
                    at = lane + (i0 // width * taps + t) * block
                    src = (go * channels + i0) * taps + t
                    stored[at:at + n] = values[src:src + n * taps:taps]
    return stored


class Packer:
    def __init__(self, layout, tensors, ranges):
        self.layout = layout
        self.tensors = tensors
        self.ranges = ranges
        self.blob = bytearray(layout["total_bytes"])
        self.qmax = QMAX.get(layout["data_type"], 0)
        if self.qmax and ranges is None:
            raise SystemExit(f"error: a {layout['data_type']} design needs --calibration (largest |value| of every tensor)")

    def scale(self, key):
        if not self.qmax:
            return 1.0
        if key not in self.ranges:
            raise SystemExit(f"error: no calibration range for tensor '{key}'")
        r = float(self.ranges[key])
        return r / self.qmax if r > 0 else 1.0

    def tensor(self, name, count):
        if name not in self.tensors:
            raise SystemExit(f"error: missing tensor '{name}'")
        t = self.tensors[name]
        if len(t) != count:
            raise SystemExit(f"error: tensor '{name}' has {len(t)} values, expected {count}")
        return t

    def quantize(self, v, s):
        return float(min(max(math.floor(v / s + 0.5), -self.qmax), self.qmax))

    def stored(self, v):
        f = struct.unpack("<f", struct.pack("<f", v))[0]
        return struct.unpack("<e", struct.pack("<e", f))[0] if self.layout["data_type"] == "float16" else f

    def stored_layer_norm(self, ln, features):
        """A LayerNorm with stored statistics as its per-feature affine map: scale gamma/sqrt(var + eps), shift beta - scale * mean."""
        gamma, beta = self.tensor(ln + ".weight", features), self.tensor(ln + ".bias", features)
        mean, var = self.tensor(ln + ".running_mean", features), self.tensor(ln + ".running_var", features)
        eps = self.layout["ln_eps"]
        scale, shift = [], []
        for k in range(features):
            if not var[k] + eps > 0:
                raise SystemExit(f"error: '{ln}.running_var'[{k}] is {var[k]}; a variance must be zero or more")
            s = gamma[k] / math.sqrt(var[k] + eps)
            scale.append(s)
            shift.append(beta[k] - s * mean[k])
        return scale, shift

    def check(self, section, n):
        if section["count"] != n:
            raise SystemExit(f"error: section at {section['offset']} holds {section['count']} values, got {n}")

    def floats(self, section, values):
        self.check(section, len(values))
        struct.pack_into(f"<{len(values)}f", self.blob, section["offset"], *values)

    def ints(self, section, values):
        self.check(section, len(values))
        struct.pack_into(f"<{len(values)}i", self.blob, section["offset"], *[int(v) for v in values])

    def data(self, section, values):
        self.check(section, len(values))
        kind = self.layout["data_type"]
        if kind == "float32":
            struct.pack_into(f"<{len(values)}f", self.blob, section["offset"], *values)
        elif kind == "float16":
            rounded = [struct.unpack("<f", struct.pack("<f", v))[0] for v in values]
            struct.pack_into(f"<{len(values)}e", self.blob, section["offset"], *rounded)
        elif kind == "int16":
            struct.pack_into(f"<{len(values)}h", self.blob, section["offset"], *[int(v) for v in values])
        else:
            struct.pack_into(f"<{len(values)}b", self.blob, section["offset"], *[int(v) for v in values])

    @staticmethod
    def multiplier(r):
        """mult * 2**-shift ~ r with mult in [2**14, 2**15) where the shift allows."""
        if not r > 0:
            return 0, 0
        shift = 14 - (math.frexp(r)[1] - 1)
        if shift < 0:
            return int(min(math.floor(r + 0.5), 2147483647)), 0
        shift = min(shift, 62)
        mult = math.floor(math.ldexp(r, shift) + 0.5)
        if mult >= 1 << 15 and shift > 0:
            mult = math.floor(math.ldexp(r, shift - 1) + 0.5)
            shift -= 1
        return int(mult), shift

    def mac(self, r):
        sx, sy = self.scale(r["x"]), self.scale(r["y"])
        ws = r.get("weight")
        bias = r.get("bias") or r.get("ln_vectors")
        outputs = ws["shape"][0] if ws else (r["bias"]["count"] if r.get("bias") else (r["ln_vectors"]["count"] // 2 if r.get("ln_vectors") else 0))
        stored = original = factor = None
        if ws:
            tensor_count = math.prod(ws["shape"]) if ws.get("channel_run") or ws.get("tile") else ws["count"]
            rest = tensor_count // outputs
            original = [float(v) for v in self.tensor(ws["source"], tensor_count)]
            folded = list(original)
            if ws.get("fold_batch_norm"):
                bn = ws["fold_batch_norm"]
                g, var = self.tensor(bn + ".weight", outputs), self.tensor(bn + ".running_var", outputs)
                factor = [g[o] / math.sqrt(var[o] + self.layout["bn_eps"]) for o in range(outputs)]
                for o in range(outputs):
                    for k in range(rest):
                        folded[o * rest + k] *= factor[o]
            if ws.get("fold_layer_norm"):
                gamma = self.tensor(ws["fold_layer_norm"] + ".weight", rest)
                for o in range(outputs):
                    for k in range(rest):
                        folded[o * rest + k] *= gamma[k]
            if ws.get("fold_stored_layer_norm"):
                scale, _ = self.stored_layer_norm(ws["fold_stored_layer_norm"], rest)
                for o in range(outputs):
                    for k in range(rest):
                        folded[o * rest + k] *= scale[k]
            if self.qmax:
                m = max((abs(v) for v in folded), default=0.0)
                sw = m / self.qmax if m > 0 else 1.0
                stored = [self.quantize(v, sw) for v in folded]
            else:
                sw = 1.0
                stored = [self.stored(v) for v in folded]
            self.data(ws, arrange(ws, stored))
        else:
            sw = self.scale(r["w"])
        if bias is not None:
            b = [0.0] * outputs
            if bias.get("source"):
                t = self.tensor(bias["source"], outputs)
                b = [float(v) for v in t]
            if bias.get("fold_batch_norm"):
                bn = bias["fold_batch_norm"]
                mean, beta = self.tensor(bn + ".running_mean", outputs), self.tensor(bn + ".bias", outputs)
                b = [(b[o] - mean[o]) * factor[o] + beta[o] for o in range(outputs)]
            if bias.get("fold_layer_norm"):
                rest = ws["count"] // outputs
                beta = self.tensor(bias["fold_layer_norm"] + ".bias", rest)
                for o in range(outputs):
                    acc = 0.0
                    for k in range(rest):
                        acc += original[o * rest + k] * beta[k]
                    b[o] += acc
            if bias.get("fold_stored_layer_norm"):
                rest = ws["count"] // outputs
                _, shift = self.stored_layer_norm(bias["fold_stored_layer_norm"], rest)
                for o in range(outputs):
                    acc = 0.0
                    for k in range(rest):
                        acc += original[o * rest + k] * shift[k]
                    b[o] += acc
            if r.get("bias"):
                if self.qmax:
                    self.ints(r["bias"], [min(max(math.floor(v / (sx * sw) + 0.5), -2147483648), 2147483647) for v in b])
                else:
                    self.floats(r["bias"], b)
            else:
                rest = ws["count"] // outputs
                sums = []
                for o in range(outputs):
                    s = 0.0
                    for k in range(rest):
                        s += stored[o * rest + k]
                    sums.append(s)
                self.floats(r["ln_vectors"], [v for o in range(outputs) for v in (sums[o], b[o])])
        mult, shift = self.multiplier(sx * sw / sy) if self.qmax else (1, 0)
        self.ints(r["ints"], [mult, shift])
        eps = self.layout["ln_eps"]
        self.floats(r["floats"], [6 / (sx * sw), sw, eps / (sx * sx), 1 / sy] if self.qmax else [6.0, 1.0, eps, 1.0])

    def param(self, section):
        if section is None:
            return 0.0
        t = [float(v) for v in self.tensor(section["source"], section["count"])]
        if self.qmax:
            m = max((abs(v) for v in t), default=0.0)
            s = m / self.qmax if m > 0 else 1.0
            self.data(section, [self.quantize(v, s) for v in t])
            return s
        self.data(section, t)
        return 1.0

    def run(self):
        self.floats(self.layout["header"], [self.scale(self.layout["input_key"]), self.scale(self.layout["output_key"])])
        for r in self.layout["steps"]:
            op = r["op"]
            if op == "mac":
                self.mac(r)
            elif op == "map":
                sa = self.param(r["a_param"]) if r.get("a_param") else self.scale(r["x"])
                ss = self.param(r["s_param"]) if r.get("s_param") else (self.scale(r["s"]) if r.get("s") else 0.0)
                self.floats(r["floats"], [sa, ss, 1 / self.scale(r["y"]), 0.0])
            elif op == "pool":
                self.floats(r["floats"], [self.scale(r["x"]), 0.0, 1 / self.scale(r["y"]), 0.0])
            elif op == "row":
                self.floats(r["floats"], [self.scale(r["x"]) * r["input_factor"], 0.0, 1 / self.scale(r["y"]), self.layout["ln_eps"]])
                if r.get("affine"):
                    a = r["affine"]
                    n = a["count"] // 2
                    self.floats(a, [float(v) for v in self.tensor(a["source"] + ".weight", n)] + [float(v) for v in self.tensor(a["source"] + ".bias", n)])
            else:
                raise SystemExit(f"error: unknown op '{op}' in step '{r['name']}'")
            if op != "mac":
                self.ints(r["ints"], [1, 0])
        return bytes(self.blob)


def main():
    parser = argparse.ArgumentParser(description="Pack float weights into weights.bin for an FpgaGen design.")
    parser.add_argument("layout", help="weights.json of the generated project")
    parser.add_argument("weights", help=".npz with one float array per tensor, named <layer>.<param>")
    parser.add_argument("-o", "--output", default="weights.bin")
    parser.add_argument("--calibration", help="JSON object: tensor name -> largest absolute value (fixed point only)")
    args = parser.parse_args()
    with open(args.layout) as f:
        layout = json.load(f)
    # Format 2 is format 1 plus sections folding a LayerNorm with stored statistics (fold_stored_layer_norm).
    # Format 3 holds steps of a quantized model (model_quantized): packed with the model's own scales, which only
    # `fpgagen generate` reads from the model (it writes weights.bin itself); calibrating them here would be wrong.
    if layout.get("format") == "fpgagen-weights-3":
        raise SystemExit(f"error: {args.layout} is the layout of a quantized model, packed with the model's own scales "
                         "and zero points: `fpgagen generate` wrote weights.bin (rerun it to repack)")
    if layout.get("format") not in ("fpgagen-weights-1", "fpgagen-weights-2"):
        raise SystemExit(f"error: {args.layout} is not an FpgaGen weights layout (format {layout.get('format')!r})")
    ranges = None
    if args.calibration:
        with open(args.calibration) as f:
            ranges = json.load(f)
    blob = Packer(layout, read_npz(args.weights), ranges).run()
    with open(args.output, "wb") as f:
        f.write(blob)
    print(f"wrote {args.output}: {len(blob)} bytes ({layout['data_type']}, {len(layout['steps'])} steps)")


if __name__ == "__main__":
    main()
