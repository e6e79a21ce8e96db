/** The demo shop's catalogue (static: the shop only exists to show the widget at work). */
export interface Product {
  slug: string
  name: string
  category: 'bikes' | 'accessories'
  priceCents: number
  blurb: string
  colour: string
}

export const PRODUCTS: readonly Product[] = [
  { slug: 'trail-x1', name: 'Trail bike X1', category: 'bikes', priceCents: 129900, blurb: 'A light full-suspension trail bike with 140 mm travel and a 12-speed drivetrain.', colour: '#2f6fed' },
  { slug: 'city-c3', name: 'City e-bike C3', category: 'bikes', priceCents: 219900, blurb: 'Pedal assist up to 25 km/h, 80 km range, integrated lights and rack.', colour: '#0f9d58' },
  { slug: 'helmet-aero', name: 'Helmet Aero', category: 'accessories', priceCents: 8900, blurb: 'Ventilated road helmet with MIPS, 260 g.', colour: '#f4b400' },
  { slug: 'u-lock-pro', name: 'U-lock Pro', category: 'accessories', priceCents: 4900, blurb: 'Hardened steel U-lock, security level 15, with frame mount.', colour: '#db4437' },
]
