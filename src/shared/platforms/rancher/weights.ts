/**
 * Weighted port rules (Rancher 1.6.13 and later: PortRule.weight, 0–256). The load balancer
 * gives every container of a rule that rule's weight (rancher/lb-controller
 * controller/rancher/rancher.go, `ep.Weight = rule.Weight`, HAProxy `server … weight N`), so a
 * side's share is its containers times its weight over both sides'.
 */
export const MAX_WEIGHT = 256

export interface SideWeights {
  blue: number
  green: number
}

/** Green's share (0–100, rounded) that these containers and weights make; null when nothing serves. */
export function weightedShare(blueContainers: number, blueWeight: number, greenContainers: number, greenWeight: number): number | null {
  const blue = blueContainers * blueWeight
  const green = greenContainers * greenWeight
  return blue + green === 0 ? null : Math.round((100 * green) / (blue + green))
}

/** The weights that give green `share`% with these containers on each side (both above 0), as close as 1–256 allow. */
export function weightsFor(blueContainers: number, greenContainers: number, share: number): SideWeights {
  let green = share * blueContainers
  let blue = (100 - share) * greenContainers
  const divisor = gcd(green, blue)
  green /= divisor
  blue /= divisor
  if (Math.max(green, blue) <= MAX_WEIGHT) return { blue, green }
  let best: SideWeights = { blue: 1, green: 1 }
  let bestError = Infinity
  for (let g = 1; g <= MAX_WEIGHT; g++) {
    const b = Math.min(MAX_WEIGHT, Math.max(1, Math.round((g * greenContainers * (100 - share)) / (blueContainers * share))))
    const error = Math.abs((g * greenContainers) / (g * greenContainers + b * blueContainers) - share / 100)
    if (error < bestError) {
      best = { blue: b, green: g }
      bestError = error
    }
  }
  return best
}

/** Every green share weights reach exactly (read back as that share) with these containers. */
export function reachableWeighted(blueContainers: number, greenContainers: number): number[] {
  const shares = [0, 100]
  for (let share = 1; share < 100; share++) {
    const weights = weightsFor(blueContainers, greenContainers, share)
    if (weightedShare(blueContainers, weights.blue, greenContainers, weights.green) === share) shares.push(share)
  }
  return shares.sort((a, b) => a - b)
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}
