import { createRoot } from 'react-dom/client';
import { defaultSource } from './api/http-source.js';
import { App } from './App.js';
import './styles.css';

void defaultSource().then((source) => {
  createRoot(document.getElementById('root') as HTMLElement).render(<App source={source} />);
});
