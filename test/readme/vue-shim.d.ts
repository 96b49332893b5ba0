// The Vue section's single-file components, as an app's env.d.ts declares them.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
