// Name conventions shared by the loaders: an operation or action `BatchCreateUser` / `EnableMFADevice`
// lives in the file `batch-create-user.ts` / `enable-mfa-device.ts`.

/** `BatchCreateUser` → `batch-create-user`; `ListMFADevices` → `list-mfa-devices`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}
