#version 130
// Sky: zenith-to-horizon gradient, a sun (or moon) disc with a glow, and the haze of
// the height fog toward the horizon so distant mountains melt into the sky.
// It covers much of the screen: the glow's powers are multiplications, and what the
// whole dome shares (the sun's colour, the haze above the camera) comes per vertex.
#include "common.glsl"
uniform vec4 u_sky_zenith;
uniform vec4 u_sky_horizon;
in vec3 v_dir;
in vec3 v_sun;        // the sun's (or moon's) hue, a little over white
in float v_glow;      // its strength: the glow around it
in float v_disc;      // how much its disc shows (zero below the horizon)
in float v_haze0;     // half the fog's optical depth looking straight up from the camera
out vec4 o_color;

void main() {
    vec3 d = normalize(v_dir);
    // below the horizon the sky is seen mirrored in water (where there is no water,
    // ground covers it)
    float el = abs(d.z);
    d.z = el;
    float up = min(el, 1.0);
    vec3 color = mix(u_sky_horizon.rgb, u_sky_zenith.rgb, pow(up, 0.55));
    float mu = max(dot(d, u_sun_dir), 0.0);
    float m4 = mu * mu;
    m4 *= m4;
    float m8 = m4 * m4;
    float m24 = m8 * m8 * m8;
    // glow around the sun, brighter near the horizon where haze scatters it
    color += v_sun * ((m24 * 0.22 + m4 * 0.06) * v_glow);
    float disc = smoothstep(0.99955, 0.99975, mu);
    color = mix(color, v_sun, disc * v_disc);
    // height fog seen toward the horizon
    float haze = 1.0 - exp(-v_haze0 / max(el, 0.02));
    color = mix(color, u_fog_color.rgb, haze * 0.85);
    o_color = vec4(tone(color), 1.0);
}
