// The frame of a network's pages: loads the network (404: "not found"), provides it to the page
// (useNetwork) and shows the network's navigation beside it.
import type { ReactNode } from 'react';
import { call } from '../api/admin';
import { ApiError } from '../api/http';
import { Banner } from '../../shared/ui';
import { Loaded } from './errors';
import { useI18n } from '../i18n';
import { useLoad } from '../hooks/use-load';
import { Link } from '../lib/router';
import { NetworkContext } from '../hooks/use-network';
import { NetworkNav } from './nav';

export function NetworkLayout({ networkId, children }: { networkId: string; children: ReactNode }) {
  const state = useLoad(() => call('GetNetwork', { networkId }), [networkId]);
  const { t } = useI18n();
  if (state.error instanceof ApiError && state.error.status === 404 && !state.data) {
    return (
      <Banner kind="error" title={t('network.notFound')}>
        <Link to="/">{t('network.backToNetworks')}</Link>
      </Banner>
    );
  }
  return (
    <NetworkContext.Provider value={{ networkId, state }}>
      <Loaded state={state}>
        {(n) => (
          <div className="with-subnav">
            <NetworkNav networkId={networkId} name={n.networkName} />
            <div className="content">{children}</div>
          </div>
        )}
      </Loaded>
    </NetworkContext.Provider>
  );
}
