import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { I18nProvider } from './i18n';
import { TabGuard } from './components/tab-guard';
import '../shared/base.css';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <TabGuard>
        <App />
      </TabGuard>
    </I18nProvider>
  </StrictMode>,
);
