// The UI kit of both web apps (the console and the messenger): accessible building blocks with the
// class names of shared/base.css and the apps' styles. Texts come from the app's dictionaries
// (shared/i18n/ui-text.ts). Pieces bound to one app (the console's API errors, the messenger's error
// alerts and text field) live in that app's components/.
export { Banner } from './banner';
export { Button, type Variant } from './button';
export { CopyButton } from './copy-button';
export { DescriptionList } from './description-list';
export { Dialog } from './dialog';
export { CheckboxField, describedBy, FieldShell, RadioGroup, SelectField, TextAreaField, TextField, type FieldProps, type Option } from './fields';
export { Menu, type MenuItem } from './menu';
export { Modal } from './modal';
export { Section } from './section';
export { Empty, Loading } from './states';
export { Pager, SortHeader } from './table';
export { Tabs } from './tabs';
export { YesNo } from './yes-no';
