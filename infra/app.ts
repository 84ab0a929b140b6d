import { createLfiApp } from './lfi-app.ts';

createLfiApp().app.synth();
