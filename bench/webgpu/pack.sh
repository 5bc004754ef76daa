#!/usr/bin/env bash
# Packs the WebGPU benchmark for a GPU machine that has no Node.js and no network:
# dist/webgpu-bench.tar.xz holds a Node binary, Dawn's linux-x64 binding (the `webgpu` package
# without its other platforms), bench.mjs and accuracy.mjs (bench/webgpu/*.ts bundled with the
# library's sources by esbuild), torch_softmax.py and run.sh. dist/ is git-ignored, so a session
# that lends a GPU can carry it (`carry: ["dist/webgpu-bench.tar.xz"]`) and run:
#   tar xJf dist/webgpu-bench.tar.xz -C /tmp && /tmp/webgpu-bench/run.sh
# The machine needs libvulkan1 (the Vulkan loader) and the GPU's Vulkan driver; run.sh says so if not.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=dist/webgpu-bench
rm -rf "$out" && mkdir -p "$out/node_modules/webgpu/dist"
for f in bench accuracy; do
  npx esbuild "bench/webgpu/$f.ts" --bundle --platform=node --format=esm --target=node20 --external:webgpu --outfile="$out/$f.mjs" --log-level=warning
done
cp bench/webgpu/torch_softmax.py "$out/"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$out/node_modules/webgpu/"
cp -r node_modules/webgpu/dist/linux-x64 "$out/node_modules/webgpu/dist/"
cp "$(readlink -f "$(command -v node)")" "$out/node"
cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the WebGPU benchmark (and the accuracy table) with the bundled Node. Arguments go to bench.mjs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
if ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 && [ ! -e /usr/lib/x86_64-linux-gnu/libvulkan.so.1 ]; then
  echo "libvulkan.so.1 not found: install libvulkan1 (the Vulkan loader)" >&2
fi
mkdir -p results
./node accuracy.mjs | tee results/webgpu-accuracy.md
./node bench.mjs --out results/webgpu "$@"
RUN
chmod +x "$out/run.sh" "$out/node"
XZ_OPT="-T2 -6" tar cJf dist/webgpu-bench.tar.xz -C dist webgpu-bench
ls -la dist/webgpu-bench.tar.xz
