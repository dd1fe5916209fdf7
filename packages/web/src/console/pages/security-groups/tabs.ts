// The tabs of a security group's page and their settings sections, with the guide's limits.
import type { Key } from '../../i18n';
import { intValue } from '../../lib/forms';
import type { SectionDef } from './settings-form';

const YEAR = 31_536_000;

export const TABS: { id: string; label: Key; sections: SectionDef[] }[] = [
  {
    id: 'messaging',
    label: 'sg.tab.messaging',
    sections: [
      {
        id: 'messaging',
        title: 'sg.messaging',
        fields: [
          { kind: 'int', path: 'maxBor', label: 'sg.maxBor', hint: 'sg.maxBorHint', min: 0, max: YEAR },
          { kind: 'int', path: 'maxTtl', label: 'sg.maxTtl', hint: 'sg.maxTtlHint', min: 1, max: YEAR },
          { kind: 'bool', path: 'messageForwardingEnabled', label: 'sg.forwarding' },
          { kind: 'bool', path: 'forceReadReceipts', label: 'sg.forceReadReceipts' },
          { kind: 'lines', path: 'quickResponses', label: 'sg.quickResponses', hint: 'sg.quickResponsesHint', max: 20, maxLength: 160 },
        ],
      },
      {
        id: 'shredder',
        title: 'sg.shredder',
        intro: 'sg.shredderIntro',
        fields: [
          { kind: 'int', path: 'shredder.intensity', label: 'sg.shredderIntensity', hint: 'sg.shredderIntensityHint', min: 0, max: 100 },
          { kind: 'bool', path: 'shredder.canProcessManually', label: 'sg.shredderManual' },
        ],
      },
    ],
  },
  {
    id: 'calling',
    label: 'sg.tab.calling',
    sections: [
      {
        id: 'calling',
        title: 'sg.calling',
        fields: [
          { kind: 'bool', path: 'calling.canStart11Call', label: 'sg.audioCalls' },
          { kind: 'bool', path: 'calling.canVideoCall', label: 'sg.videoCalls' },
          { kind: 'bool', path: 'calling.forceTcpCall', label: 'sg.tcpCalls', hint: 'sg.tcpCallsHint' },
        ],
      },
    ],
  },
  {
    id: 'media',
    label: 'sg.tab.media',
    sections: [
      {
        id: 'media',
        title: 'sg.media',
        premium: true,
        fields: [
          { kind: 'bool', path: 'filesEnabled', label: 'sg.filesEnabled' },
          { kind: 'bool', path: 'enableFileDownload', label: 'sg.fileDownload', hint: 'sg.fileDownloadHint' },
          {
            kind: 'select',
            path: 'maxAutoDownloadSize',
            label: 'sg.autoDownload',
            hint: 'sg.autoDownloadHint',
            options: [
              { value: '7340032', label: 'sg.bestQuality' },
              { value: '512000', label: 'sg.lowBandwidth' },
            ],
          },
          { kind: 'bool', path: 'isLinkPreviewEnabled', label: 'sg.linkPreviews' },
        ],
      },
    ],
  },
  {
    id: 'location',
    label: 'sg.tab.location',
    sections: [
      {
        id: 'location',
        title: 'sg.location',
        fields: [
          { kind: 'bool', path: 'locationEnabled', label: 'sg.locationSharing', hint: 'sg.locationHint' },
          { kind: 'bool', path: 'locationAllowMaps', label: 'sg.locationMaps' },
        ],
      },
    ],
  },
  {
    id: 'security',
    label: 'sg.tab.security',
    sections: [
      {
        id: 'security',
        title: 'sg.security',
        fields: [
          { kind: 'bool', path: 'isAtoEnabled', label: 'sg.ato', hint: 'sg.atoHint' },
          { kind: 'bool', path: 'alwaysReauthenticate', label: 'sg.reauth', hint: 'sg.reauthHint' },
          { kind: 'bool', path: 'showMasterRecoveryKey', label: 'sg.recoveryKey', hint: 'sg.recoveryKeyHint' },
          { kind: 'int', path: 'nonSsoTimeoutMinutes', label: 'sg.nonSsoTimeout', hint: 'sg.nonSsoTimeoutHint', min: 0, max: 43_200 },
          { kind: 'int', path: 'ssoMaxIdleMinutes', label: 'sg.ssoIdle', hint: 'sg.ssoIdleHint', min: 0, max: 10_080 },
        ],
      },
      {
        id: 'password',
        title: 'sg.password',
        fields: [
          { kind: 'int', path: 'passwordRequirements.minLength', label: 'sg.pwMinLength', min: 8, max: 128 },
          { kind: 'int', path: 'passwordRequirements.lowercase', label: 'sg.pwLower', min: 0, max: 128 },
          { kind: 'int', path: 'passwordRequirements.uppercase', label: 'sg.pwUpper', min: 0, max: 128 },
          { kind: 'int', path: 'passwordRequirements.numbers', label: 'sg.pwNumbers', min: 0, max: 128 },
          { kind: 'int', path: 'passwordRequirements.symbols', label: 'sg.pwSymbols', min: 0, max: 128 },
        ],
        check: (f, t): Record<string, string> => {
          const n = (k: string) => intValue(String(f[`passwordRequirements.${k}`]));
          const sum = n('lowercase') + n('uppercase') + n('numbers') + n('symbols');
          return sum > n('minLength') ? { 'passwordRequirements.minLength': t('v.pwSum', { sum, min: n('minLength') }) } : {};
        },
      },
      {
        id: 'lockout',
        title: 'sg.lockout',
        fields: [
          { kind: 'int', path: 'lockoutThreshold', label: 'sg.lockoutThreshold', hint: 'sg.lockoutThresholdHint', min: 1, max: 100 },
          { kind: 'int', path: 'forceDeviceLockout', label: 'sg.deviceLockout', hint: 'sg.deviceLockoutHint', min: 0, max: 99 },
        ],
        check: (f, t): Record<string, string> => {
          const th = intValue(String(f.lockoutThreshold));
          const dl = intValue(String(f.forceDeviceLockout));
          return dl > 0 && dl >= th ? { forceDeviceLockout: t('v.deviceLockout', { max: th - 1 }) } : {};
        },
      },
    ],
  },
  {
    id: 'notifications',
    label: 'sg.tab.notifications',
    sections: [
      {
        id: 'notifications',
        title: 'sg.notifications',
        fields: [
          { kind: 'bool', path: 'enableNotificationPreview', label: 'sg.notificationPreview' },
          { kind: 'bool', path: 'presenceEnabled', label: 'sg.presence', hint: 'sg.presenceHint' },
        ],
      },
    ],
  },
  {
    id: 'openAccess',
    label: 'sg.tab.openAccess',
    sections: [
      {
        id: 'openAccess',
        title: 'sg.openAccess',
        fields: [
          { kind: 'bool', path: 'enableOpenAccessOption', label: 'sg.openAccessEnable', hint: 'sg.openAccessHint' },
          { kind: 'bool', path: 'forceOpenAccess', label: 'sg.openAccessForce', hint: 'sg.openAccessForceHint' },
        ],
      },
    ],
  },
  {
    id: 'federation',
    label: 'sg.tab.federation',
    sections: [
      {
        id: 'localFederation',
        title: 'sg.localFederation',
        intro: 'sg.localFederationIntro',
        fields: [
          {
            kind: 'radio',
            path: 'federationMode',
            label: 'sg.federationMode',
            options: [
              { value: '0', label: 'sg.fedOff' },
              { value: '1', label: 'sg.fedAll' },
              { value: '2', label: 'sg.fedRestricted', hint: 'sg.fedRestrictedHint' },
            ],
          },
          { kind: 'lines', path: 'permittedNetworks', label: 'sg.permittedNetworks', hint: 'sg.permittedNetworksHint', max: 1000, maxLength: 8 },
        ],
        visible: (path, f) => path !== 'permittedNetworks' || f.federationMode === '2',
        adjust: (patch) => {
          if (patch.federationMode !== 2) patch.permittedNetworks = [];
        },
      },
      {
        id: 'globalFederation',
        title: 'sg.globalFederation',
        intro: 'sg.globalFederationIntro',
        fields: [
          { kind: 'bool', path: 'globalFederation', label: 'sg.globalEnable' },
          { kind: 'bool', path: 'enableRestrictedGlobalFederation', label: 'sg.globalRestricted', hint: 'sg.globalRestrictedHint' },
          { kind: 'pairs', path: 'permittedWickrAwsNetworks', label: 'sg.awsNetworks', hint: 'sg.awsNetworksHint', first: 'region' },
          { kind: 'pairs', path: 'permittedWickrEnterpriseNetworks', label: 'sg.enterpriseNetworks', hint: 'sg.enterpriseNetworksHint', first: 'domain' },
        ],
        visible: (path, f) => !path.startsWith('permittedWickr') || f.enableRestrictedGlobalFederation === true,
        adjust: (patch) => {
          if (patch.enableRestrictedGlobalFederation !== true) {
            patch.permittedWickrAwsNetworks = [];
            patch.permittedWickrEnterpriseNetworks = [];
          }
        },
      },
      {
        id: 'guests',
        title: 'sg.guests',
        intro: 'sg.guestsIntro',
        fields: [{ kind: 'bool', path: 'enableGuestFederation', label: 'sg.guestEnable', hint: 'sg.guestHint' }],
      },
    ],
  },
  {
    id: 'integrations',
    label: 'sg.tab.integrations',
    sections: [
      {
        id: 'atak',
        title: 'sg.atak',
        intro: 'sg.atakIntro',
        fields: [
          { kind: 'bool', path: 'enableAtak', label: 'sg.atakEnable' },
          { kind: 'atak', path: 'atakPackageValues', label: 'sg.atakPackages' },
        ],
      },
    ],
  },
];

export const CLIENT_SECTION: SectionDef = {
  id: 'client',
  title: 'sg.client',
  fields: [
    { kind: 'bool', path: 'checkForUpdates', label: 'sg.checkForUpdates' },
    { kind: 'bool', path: 'enableCrashReports', label: 'sg.crashReports' },
  ],
};
