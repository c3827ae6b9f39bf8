import { defineConfig } from "tsup";

// ESM and CJS builds with their declarations; nothing bundled in but our own code.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  target: "node20",
  platform: "node",
  clean: true,
  sourcemap: false,
  splitting: false,
});
