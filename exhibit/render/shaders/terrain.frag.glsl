#version 130
// Terrain: rock or grass from the vertex colour, broken up by a detail texture at two
// scales, and snow above the snowline where the ground is flat enough to hold it.
#include "common.glsl"
uniform sampler2D p3d_Texture0;   // grey detail noise, tiling
uniform vec4 p3d_ColorScale;
uniform vec4 u_terrain;           // x: snowline (world z), y: snowline blend (m)
in vec3 v_world;
in vec3 v_normal;
in vec4 v_color;
in vec2 v_uv;
in vec3 v_cam;
out vec4 o_color;

void main() {
    vec3 n = normalize(v_normal);
    // fine detail projected along the surface's main axis, so cliffs get vertical streaks
    vec3 w = pow(abs(n), vec3(4.0));
    w /= (w.x + w.y + w.z);
    float fine = texture(p3d_Texture0, v_world.xy / 9.0).r * w.z
               + texture(p3d_Texture0, v_world.yz / vec2(9.0, 23.0)).r * w.x
               + texture(p3d_Texture0, v_world.xz / vec2(9.0, 23.0)).r * w.y;
    // a rotated, non-repeating-looking second scale so the tiling does not show from afar
    vec2 rot = mat2(0.8, -0.6, 0.6, 0.8) * v_world.xy;
    // projected from above: on steep faces it runs down the slope like gullies
    float coarse = texture(p3d_Texture0, rot / 131.0 + vec2(0.37, 0.11)).r;
    vec3 base = v_color.rgb * (0.72 + 0.38 * fine) * (0.85 + 0.3 * coarse);
    // steep faces show bare, darker rock
    float steep = smoothstep(0.8, 0.55, n.z + (fine - 0.5) * 0.1);
    float shade = v_uv.x;   // baked cavity: gullies darker, ridges lighter
    base *= shade;
    // rock faces: darker, with strata that give big walls their scale
    float strata = 0.92 + 0.08 * sin(v_world.z * 0.03 + coarse * 4.0);
    base = mix(base, vec3(0.36, 0.34, 0.32) * (0.45 + 0.5 * fine + 0.5 * coarse) * shade * strata, steep * 0.75);
    // fine noise breaks the snow's edges up close; far away (where it averages out) it fades
    float dist = length(v_cam - v_world);
    float near = 1.0 - smoothstep(150.0, 600.0, dist);
    fine = mix(0.5, fine, near);
    float line = u_terrain.x + (coarse - 0.5) * 4.0 * u_terrain.y + (fine - 0.5) * u_terrain.y;
    float snow = smoothstep(line - u_terrain.y, line + u_terrain.y, v_world.z);
    // snow holds on gentle slopes, streaks down steeper ones, and leaves cliffs bare
    // high above the snowline snow plasters steeper faces too
    float hold = mix(0.6, 0.25, clamp((v_world.z - u_terrain.x) / 400.0, 0.0, 1.0));
    snow *= smoothstep(hold, hold + 0.2, n.z + (fine - 0.5) * 0.3 + (coarse - 0.5) * 0.2);
    snow *= v_color.a;   // less fresh snow on a trodden track
    vec3 snow_color = vec3(0.93, 0.95, 0.98) * (0.94 + 0.08 * fine) * mix(1.0, shade, 0.6);
    vec3 albedo = mix(base, snow_color, snow) * p3d_ColorScale.rgb;
    vec3 color = albedo * lighting(v_world, n);
    o_color = vec4(apply_fog(color, v_cam, v_world), p3d_ColorScale.a);
}
