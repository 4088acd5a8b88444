#version 130
// Sky: zenith-to-horizon gradient, a sun (or moon) disc with a glow, and the haze of
// the height fog toward the horizon so distant mountains melt into the sky.
#include "common.glsl"
uniform vec4 u_sky_zenith;
uniform vec4 u_sky_horizon;
uniform mat4 p3d_ViewMatrixInverse;
in vec3 v_dir;
out vec4 o_color;

void main() {
    vec3 d = normalize(v_dir);
    // below the horizon the sky is seen mirrored in water (where there is no water,
    // ground covers it)
    float el = abs(d.z);
    d.z = el;
    float up = clamp(el, 0.0, 1.0);
    vec3 color = mix(u_sky_horizon.rgb, u_sky_zenith.rgb, pow(up, 0.55));
    float mu = dot(d, u_sun_dir);
    float sun_strength = clamp(length(u_sun_color), 0.0, 1.5);
    vec3 sun = normalize(u_sun_color + 1e-4) * 1.1;
    // glow around the sun, brighter near the horizon where haze scatters it
    color += sun * (pow(max(mu, 0.0), 24.0) * 0.22 + pow(max(mu, 0.0), 4.0) * 0.06) * sun_strength;
    float disc = smoothstep(0.99955, 0.99975, mu);
    color = mix(color, sun, disc * clamp(sun_strength, 0.0, 1.0) * step(-0.02, u_sun_dir.z));
    // height fog seen toward the horizon
    float zc = max(p3d_ViewMatrixInverse[3].z, 0.0);
    float depth = u_fog.x * u_fog.y * exp(-zc / u_fog.y) / max(el, 0.02);
    float haze = 1.0 - exp(-depth * 0.5);
    color = mix(color, u_fog_color.rgb, haze * 0.85);
    o_color = vec4(tone(color), 1.0);
}
