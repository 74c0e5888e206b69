// The bank's web UI: `npm run build:web` in apps/bank builds it into apps/bank/dist/web, which the bank serves
// at `/`. Everything is bundled: the page asks no host but the service itself.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [preact()],
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    // The served folder holds only what the page needs.
    sourcemap: false,
  },
});
