// The admin console's web UI: `npm run build:web` in packages/console builds it into packages/console/dist/admin,
// which adminConsole() serves at /admin/. Everything is bundled: the page asks no host but the service.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);

export default defineConfig({
  root: here('.'),
  base: '/admin/',
  plugins: [preact()],
  build: {
    outDir: here('../dist/admin'),
    emptyOutDir: true,
    sourcemap: false,
  },
});
