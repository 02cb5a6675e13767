import type { MessageKey } from './zh-CN.ts'

/** English. Place names stay in Chinese, as they are written on the ground. */
export const en: Record<MessageKey, string> = {
  'app.title': 'Jiyuan · Jimo rural public resources map',
  'app.loading': 'Loading…',

  'signIn.heading': 'Sign in',
  'signIn.username': 'Username',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.busy': 'Signing in…',
  'signIn.failed': 'Sign-in failed',

  'header.signOut': 'Sign out',
  'header.language': 'Language',

  'role.admin': 'District administrator',
  'role.analyst': 'Natural-resources analyst',
  'role.town_editor': 'Town editor',
  'role.townEditorOf': 'Town editor ({town})',
  'role.viewer': 'Viewer',

  'status.registered': 'Registered',
  'status.publicized': 'Publicized',
  'status.recovering': 'Recovering',
  'status.recovered': 'Recovered',
  'status.reused': 'Reused',

  'problem.encroachment': 'Encroachment on collective assets',
  'problem.contract': 'Irregular contract',
  'problem.environment': 'Damage to public spaces',

  'unit.mu': 'mu',
  'unit.m2': 'm²',

  'legend.title': 'Legend',
  'legend.problems': 'With problems (red outline)',
  'legend.town': 'Town boundary',
  'legend.village': 'Village boundary',

  'parcel.close': 'Close',
  'parcel.code': 'Code',
  'parcel.name': 'Name',
  'parcel.category': 'Category',
  'parcel.subtype': 'Subtype',
  'parcel.status': 'Status',
  'parcel.area': 'Area',
  'parcel.declaredArea': 'Declared area',
  'parcel.town': 'Town',
  'parcel.village': 'Village',
  'parcel.problems': 'Problems',
  'parcel.none': 'None',

  'map.loading': 'Loading parcels…',
  'map.count': 'Parcels in view: {shown}',
  'map.truncated': 'Parcels in view: {matched}, showing {shown}; zoom in to see all',
  'map.loadFailed': 'Parcels could not be loaded: {message}',

  'error.network': 'The server cannot be reached',
  'error.unexpected': 'Unexpected response from the server ({status})',
}
