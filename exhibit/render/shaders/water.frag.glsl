#version 130
// Water: ripple normals from a scrolling detail texture plus the travelling waves of
// water.vert.glsl, the sky's gradient reflected by Fresnel's law, the sun's glitter,
// and fog. One texture lookup per pixel; powers are multiplications.
#include "common.glsl"
uniform sampler2D p3d_Texture0;   // ripple slopes, tiling (x and y slopes in red and green, 0.5 flat)
uniform vec4 p3d_ColorScale;
uniform float u_time;
uniform vec4 u_water;             // x: waves 0..1, y: 1 when mirrored objects lie behind (blend)
uniform vec4 u_sky_zenith;
uniform vec4 u_sky_horizon;
in vec3 v_world;
in vec3 v_cam;
in vec3 v_body;
in vec2 v_waves;
in float v_ripple;
in float v_fog;
out vec4 o_color;

void main() {
    vec3 v = normalize(v_cam - v_world);
    float t = u_time;
    // one scrolling scale between the two it stands for, as strong as both together
    vec2 s = texture(p3d_Texture0, v_world.xy / 14.0 + vec2(t * 0.013, t * 0.009)).rg - 0.5;
    vec2 g = v_waves + s * (2.35 * v_ripple);
    vec3 n = normalize(vec3(-g, 1.0));
    vec3 r = reflect(-v, n);
    float up = clamp(r.z, 0.0, 1.0);
    vec3 sky = mix(u_sky_horizon.rgb, u_sky_zenith.rgb, pow(up, 0.6));
    float m = 1.0 - clamp(dot(n, v), 0.0, 1.0);
    float m2 = m * m;
    float fresnel = 0.02 + 0.98 * m2 * m2 * m;
    float reflected = clamp(fresnel * 0.85 + 0.08, 0.0, 1.0);
    float rs = max(dot(r, u_sun_dir), 0.0);
    float r16 = rs * rs;
    r16 *= r16;
    r16 *= r16;
    r16 *= r16;
    float r256 = r16 * r16;
    r256 *= r256;
    r256 *= r256;
    r256 *= r256;
    float spec = r256 * 1.2 + r16 * 0.06;
    float k = exp(-v_fog);
    float opacity = p3d_ColorScale.a;
    if (u_water.y > 0.5) {
        // premultiplied: what lies behind (the mirrored sky and mirrored objects, drawn
        // before the water) shows in proportion to the reflectance
        vec3 own = mix(u_fog_color.rgb, v_body, k) * (1.0 - reflected) + u_sun_color * spec * k;
        float a = 1.0 - reflected;
        o_color = vec4(tone(own) * opacity, a * opacity);
        return;
    }
    vec3 color = mix(v_body, sky, reflected) + u_sun_color * spec;
    o_color = vec4(tone(mix(u_fog_color.rgb, color, k)), opacity);
}
