#version 130
// Water: ripple normals from a scrolling detail texture and a few travelling waves, the
// sky's gradient reflected by Fresnel's law, the sun's glitter, and fog.
#include "common.glsl"
uniform sampler2D p3d_Texture0;   // ripple slopes, tiling
uniform vec4 p3d_ColorScale;
uniform float u_time;
uniform vec4 u_water;             // x: waves 0..1, y: 1 when mirrored objects lie behind (blend)
uniform vec4 u_sky_zenith;
uniform vec4 u_sky_horizon;
in vec3 v_world;
in vec4 v_color;
in vec3 v_cam;
out vec4 o_color;

// Slope of the surface: two scrolling scales of the ripple slope texture (x and y
// slopes in red and green, 0.5 flat; one texel = 1/256 of a repeat) and two travelling
// waves, summed. Slopes in "texture units": the caller scales them.
vec2 slope(vec2 p) {
    float t = u_time;
    vec2 s = (texture(p3d_Texture0, p / 23.0 + vec2(t * 0.011, t * 0.007)).rg - 0.5) * 2.0;
    s += 0.6 * (texture(p3d_Texture0, p / 9.0 + vec2(-t * 0.017, t * 0.013)).rg - 0.5) * 2.0;
    s += 0.25 * vec2(0.35, 0.2) * cos(dot(p, vec2(0.35, 0.2)) - t * 1.3) * 4.0;
    s += 0.2 * vec2(-0.14, 0.41) * cos(dot(p, vec2(-0.14, 0.41)) - t * 1.1) * 4.0;
    return s;
}

void main() {
    vec3 toeye = v_cam - v_world;
    float dist = length(toeye);
    vec3 v = toeye / dist;
    // ripples fade with distance (they are below a pixel there) to avoid shimmering
    float strength = (0.03 + 0.45 * u_water.x) / (1.0 + dist * 0.02);
    vec2 g = slope(v_world.xy) * 0.6 * strength;
    vec3 n = normalize(vec3(-g, 1.0));
    vec3 r = reflect(-v, n);
    float up = clamp(r.z, 0.0, 1.0);
    vec3 sky = mix(u_sky_horizon.rgb, u_sky_zenith.rgb, pow(up, 0.6));
    float cosi = clamp(dot(n, v), 0.0, 1.0);
    float fresnel = 0.02 + 0.98 * pow(1.0 - cosi, 5.0);
    vec3 body = v_color.rgb * p3d_ColorScale.rgb * (u_ambient * 0.9 + u_sun_color * max(u_sun_dir.z, 0.0) * 0.6);
    body += v_color.rgb * lamp_light(v_world, vec3(0.0, 0.0, 1.0), 0.0) * 0.6;
    float reflected = clamp(fresnel * 0.85 + 0.08, 0.0, 1.0);
    float spec = pow(max(dot(r, u_sun_dir), 0.0), 250.0) * 1.2 + pow(max(dot(r, u_sun_dir), 0.0), 16.0) * 0.06;
    float k = exp(-fog_depth(v_cam, v_world));
    float opacity = p3d_ColorScale.a;
    if (u_water.y > 0.5) {
        // premultiplied: what lies behind (the mirrored sky and mirrored objects, drawn
        // before the water) shows in proportion to the reflectance
        vec3 own = mix(u_fog_color.rgb, body, k) * (1.0 - reflected) + u_sun_color * spec * k;
        float a = 1.0 - reflected;
        o_color = vec4(tone(own) * opacity, a * opacity);
        return;
    }
    vec3 color = mix(body, sky, reflected) + u_sun_color * spec;
    o_color = vec4(tone(mix(u_fog_color.rgb, color, k)), opacity);
}
